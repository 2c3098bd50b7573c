"""Argument checks shared by the augmentation layers and recipes."""


def check_probability(name, value):
    """`value` as a float, or a ValueError if it is not in [0, 1]."""
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1]; got {value}.")
    return value


def check_strength(name, value, high=1.0):
    """`value` as a float, or a ValueError if it is not in [0, `high`]."""
    value = float(value)
    if not 0.0 <= value <= high:
        raise ValueError(f"{name} must be in [0, {high}]; got {value}.")
    return value
