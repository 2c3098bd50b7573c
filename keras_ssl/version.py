"""The package version, read by setup.cfg without importing keras."""

__version__ = "0.2.0"
