import numpy as np
import pytest

from keras_ssl.losses import masked_patch_mse


def numpy_masked_patch_mse(target, pred, mask, norm_pix_loss=True):
    """A literal transcription of the MAE paper's loss (Sec. 3, Table 1c):
    per-patch normalised targets, per-patch mean squared error, averaged
    over the removed patches only."""
    if norm_pix_loss:
        mean = target.mean(axis=-1, keepdims=True)
        var = target.var(axis=-1, keepdims=True)
        target = (target - mean) / (var + 1.0e-6) ** 0.5
    loss = (pred - target) ** 2
    loss = loss.mean(axis=-1)  # [N, L], mean loss per patch
    return (loss * mask).sum() / mask.sum()  # mean loss on removed patches


def random_case(batch, patches, pixels, seed=0):
    rng = np.random.default_rng(seed)
    targets = rng.random((batch, patches, pixels)).astype("float32")
    predictions = rng.normal(size=(batch, patches, pixels)).astype("float32")
    mask = np.zeros((batch, patches), "float32")
    for row in mask:
        row[rng.permutation(patches)[: max(1, patches * 3 // 4)]] = 1.0
    return targets, predictions, mask


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("batch,patches,pixels", [(1, 4, 4), (3, 16, 16), (8, 49, 12)])
def test_matches_the_papers_loss(normalize, batch, patches, pixels):
    targets, predictions, mask = random_case(batch, patches, pixels)
    np.testing.assert_allclose(
        float(masked_patch_mse(targets, predictions, mask, normalize_targets=normalize)),
        numpy_masked_patch_mse(targets, predictions, mask, normalize),
        rtol=1e-5,
    )


def test_visible_patches_change_nothing():
    targets, predictions, mask = random_case(4, 16, 16)
    before = float(masked_patch_mse(targets, predictions, mask))
    changed = predictions.copy()
    changed[mask == 0] += 100.0  # reconstructions of the visible patches
    assert float(masked_patch_mse(targets, changed, mask)) == pytest.approx(before, rel=1e-6)
    changed = predictions.copy()
    changed[mask == 1] += 1.0  # ...while a masked one does count
    assert float(masked_patch_mse(targets, changed, mask)) != pytest.approx(before, rel=1e-3)


def test_closed_form_cases():
    targets = np.zeros((1, 2, 4), "float32")
    ones = np.ones((1, 2, 4), "float32")
    # One masked patch off by 1 everywhere, one visible: loss 1.
    assert float(masked_patch_mse(targets, ones, [[1.0, 0.0]], False)) == 1.0
    # Normalised targets: a perfect prediction of the standardised patch is 0.
    rng = np.random.default_rng(1)
    patches = rng.random((2, 3, 8)).astype("float32")
    standardised = (patches - patches.mean(-1, keepdims=True)) / np.sqrt(
        patches.var(-1, keepdims=True) + 1e-6
    )
    assert float(masked_patch_mse(patches, standardised, np.ones((2, 3)))) < 1e-10


def test_bad_shapes_are_refused():
    targets, predictions, mask = random_case(2, 4, 4)
    with pytest.raises(ValueError, match="mask must be"):
        masked_patch_mse(targets, predictions, mask[:, :3])
    with pytest.raises(ValueError, match=r"\(N, P, L\)"):
        masked_patch_mse(targets, predictions[:, :3], mask)
