"""DeepCluster-v2: k-means on a memory bank each epoch, then cross-entropy to the clusters."""

import warnings

import keras
from keras import ops

from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.backend import sync_variables_mid_epoch
from keras_ssl.backend.cross_replica import num_replicas
from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.deepcluster_loss import deepcluster_loss
from keras_ssl.methods import cluster_collapse
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.memory_queue import MemoryQueue
from keras_ssl.methods.registry import register_method
from keras_ssl.methods.spherical_kmeans import kmeans_init
from keras_ssl.methods.spherical_kmeans import spherical_kmeans

__all__ = ["DeepClusterV2"]

#: The fixes DeepClusterV2's collapse warning names.
DEEPCLUSTER_FIXES = (
    "a lower temperature (paper: 0.1), fewer prototypes (num_prototypes), a "
    "larger memory bank (memory_size), more k-means iterations "
    "(kmeans_iterations), or stronger views (augmentation)"
)


@register_method("deepcluster_v2")
class DeepClusterV2(JointEmbeddingModel):
    """DeepCluster-v2 (Caron et al. 2020): cluster the features, predict the clusters.

    Two views of each image are encoded, projected (`ProjectionHead`) and
    L2-normalised; every step pushes both projections of the global batch
    into a memory bank. At the start of each epoch (`begin_epoch`, so a
    plain `fit` is enough) spherical k-means (`kmeans_iterations` Lloyd
    iterations, started from random bank rows drawn with the model's seed,
    empty clusters keeping their centroid; `keras.ops` on the device) runs
    on the bank once per head: `num_heads` clusterings of `num_prototypes`
    clusters each, head h on the bank's projections of view `h % 2`. The
    centroids are the epoch's frozen prototypes (no gradient reaches them).
    An example's target in head h is the centroid nearest its view `h % 2`
    (without gradient); both views' scores `z C_h` are trained to predict
    it: cross-entropy at temperature 0.1, averaged over heads and views
    (`losses.deepcluster_loss`).

    The bank: the paper keeps one slot per example. `fit(x)` gives no
    example indices (`tf.data` or a `PyDataset` may have no fixed order or
    length), so the bank is a FIFO of the latest `memory_size` projections
    (`MemoryQueue`), and a batch is assigned by nearest centroid, not by
    its slot's k-means label. With many steps an epoch the network
    drifts away from the epoch's centroids: `kmeans_every_steps=N` also
    re-clusters the bank every N steps within an epoch (at steps N, 2N, ...
    of each epoch, from the first full bank on).

    Warm-up: there is no clustering signal before the first k-means. Until
    then the loss is masked to 0 (zero gradient, never NaN), `clusters_ready`
    logs 0, and the bank fills (the paper fills its bank by one pass over
    the data: this epoch is that pass). An epoch that ends with the bank
    still not full (`memory_size` larger than the data) warns.

    The bank, the centroids, the k-means and epoch counts and the seed are
    model weights: `.keras` files and `BackupAndRestore` resume exactly; a
    reloaded model clusters its restored bank (it is not refilled).

    Collapse guard: `fit` logs `codes_entropy` (mean entropy of
    `softmax(z C / tau)`; near ln K the loss sticks near ln K) and
    `prototype_usage` (share of the centroids that are some example's
    target; near 1/K all is one cluster), averaged over heads; warm-up
    epochs log 0 and are not judged. Collapsed for 2 epochs, either gives
    a `keras_ssl.callbacks.CollapseWarning` (once a `fit`) naming the fixes.

    Defaults for a small encoder on 28x28 digits (the paper's, ResNet-50 on
    ImageNet, in brackets): 2 "simclr" views [2x160 + 4x96 crops]; projector
    256 -> 64 [2048 -> 128]; 3 x 100 centroids [3 x 3000]; a bank of 2048
    [the data set]; `compile()`'s Adam(1e-3) [LARS].

    Reference: https://arxiv.org/abs/2006.09882

    Args:
        encoder: `keras.Model` mapping images to vectors.
        num_prototypes: int > 0. K, clusters per head (at most memory_size).
        num_heads: int > 0. Clusterings of the bank (paper: 3).
        memory_size: int. Projections the bank holds (pairs of views); at
            least one global batch and `num_prototypes`.
        projection_hidden_units: tuple of int. The projector's hidden widths.
        projection_units: int. Width of the projections and centroids.
        temperature: float > 0. tau of the softmax (paper: 0.1).
        kmeans_iterations: int >= 1. Lloyd iterations per k-means (the
            authors' code: 10).
        kmeans_every_steps: None (k-means at each epoch's start only, as
            the paper) or int >= 1: also every that many steps of an epoch.
        augmentation: None (the "simclr" views), one layer for both views,
            or a pair.
        seed: int or None. Seed of the views and of the k-means starts.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.DeepClusterV2(keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)))
    model.compile()
    history = model.fit(x_train, epochs=10, batch_size=128)
    history.history["clusters_ready"]  # 0 in the warm-up epoch, then 1
    ```
    """

    inputs_class = ImageInputs
    view_recipe = "simclr"

    def __init__(
        self,
        encoder,
        num_prototypes=100,
        num_heads=3,
        memory_size=2048,
        projection_hidden_units=(256,),
        projection_units=64,
        temperature=0.1,
        kmeans_iterations=10,
        kmeans_every_steps=None,
        augmentation=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(encoder=encoder, augmentation=augmentation, seed=seed, **kwargs)
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0; got {temperature}.")
        for name, value in (
            ("num_prototypes", num_prototypes), ("num_heads", num_heads),
            ("memory_size", memory_size), ("kmeans_iterations", kmeans_iterations),
        ):
            if int(value) != value or value < 1:
                raise ValueError(f"{name} must be an int >= 1; got {value!r}.")
        if kmeans_every_steps is not None and (
            int(kmeans_every_steps) != kmeans_every_steps or kmeans_every_steps < 1
        ):
            raise ValueError(
                f"kmeans_every_steps must be None (once an epoch) or an int "
                f">= 1; got {kmeans_every_steps!r}."
            )
        if num_prototypes > memory_size:
            raise ValueError(
                f"num_prototypes={num_prototypes} clusters cannot be made from "
                f"a memory bank of memory_size={memory_size} projections: use "
                f"memory_size >= num_prototypes (several times it)."
            )
        # === Config ===
        self.num_prototypes = int(num_prototypes)
        self.num_heads = int(num_heads)
        self.memory_size = int(memory_size)
        self.projection_hidden_units = tuple(projection_hidden_units)
        self.projection_units = int(projection_units)
        self.temperature = float(temperature)
        self.kmeans_iterations = int(kmeans_iterations)
        self.kmeans_every_steps = kmeans_every_steps and int(kmeans_every_steps)

        # === Projector, memory bank, centroids, counters ===
        self.projector = ProjectionHead(
            hidden_units=self.projection_hidden_units,
            output_units=self.projection_units, name="projector",
        )
        self.projector.build((None, self.feature_dim))
        # A row: one image's 2 views' projections, side by side.
        self.memory_bank = MemoryQueue(
            self.memory_size, 2 * self.projection_units, name="memory_bank"
        )
        state = dict(trainable=False, aggregation="only_first_replica")
        self.centroids = self.add_weight(
            shape=(self.num_heads, self.projection_units, self.num_prototypes),
            initializer="zeros", dtype="float32", autocast=False,
            name="centroids", **state,
        )
        counter = dict(shape=(), initializer="zeros", dtype="int32", **state)
        self.kmeans_runs = self.add_weight(name="kmeans_runs", **counter)
        self.epochs_started = self.add_weight(name="epochs_started", **counter)
        self.entropy_tracker = keras.metrics.Mean(name="codes_entropy")
        self.usage_tracker = keras.metrics.Mean(name="prototype_usage")
        self.ready_tracker = keras.metrics.Mean(name="clusters_ready")
        self.collapse_check = cluster_collapse.ClusterCollapseCheck(
            self.num_prototypes, "DeepClusterV2", fixes=DEEPCLUSTER_FIXES
        )

    # --- Hooks: k-means at each epoch's start (and every N steps) ---------

    def begin_fit(self, epochs, steps_per_epoch):
        self.collapse_check.reset()
        self._warned_bank = False

    def begin_epoch(self, epoch):
        self.epochs_started.assign(self.epochs_started.value + 1)
        self._last_batch = 0
        if self.bank_is_full():
            self.cluster_memory()

    def begin_train_batch(self, batch):
        every, last = self.kmeans_every_steps, getattr(self, "_last_batch", 0)
        self._last_batch = batch  # one call may cover several batches: crossing N
        if every is None or batch // every <= last // every:
            return
        sync_variables_mid_epoch(self)  # JAX: read and write the live state
        if self.bank_is_full():
            self.cluster_memory()

    def end_epoch(self, epoch, logs):
        if logs.get("clusters_ready", 0.0) >= 0.5:  # warm-up epochs are not judged
            self.collapse_check.update(logs)
        if not self.bank_is_full() and not getattr(self, "_warned_bank", False):
            self._warned_bank = True
            filled = int(ops.convert_to_numpy(self.memory_bank.filled.value))
            warnings.warn(
                f"DeepClusterV2: the memory bank holds {filled} of its "
                f"memory_size={self.memory_size} projections after epoch "
                f"{epoch}, so k-means has not run and the loss stays masked "
                f"(0, clusters_ready=0) until it is full. Use memory_size <= "
                f"the number of training images.",
                stacklevel=2,
            )

    def bank_is_full(self):
        """Whether the memory bank holds `memory_size` projections."""
        filled = ops.convert_to_numpy(self.memory_bank.filled.value)
        return int(filled) >= self.memory_size

    def cluster_memory(self):
        """Run k-means on the bank (one per head); store the centroids."""
        bank = self.memory_bank.values.value
        width = self.projection_units
        heads = []
        for head in range(self.num_heads):
            view = head % 2
            features = bank[:, view * width : (view + 1) * width]
            start = kmeans_init(features, self.num_prototypes, self.seed_generator)
            centroids, _ = spherical_kmeans(features, start, self.kmeans_iterations)
            heads.append(ops.transpose(centroids))  # (D, K)
        self.centroids.assign(ops.stack(heads))
        self.kmeans_runs.assign(self.kmeans_runs.value + 1)

    # --- The step -----------------------------------------------------------

    def compute_ssl_loss(self, images, training):
        views = self.make_views(images)
        projections = self.encode_views(views, heads=(self.projector,), training=training)
        z = [ops.normalize(ops.cast(p, "float32"), axis=-1) for p in projections]
        centroids = ops.stop_gradient(self.centroids.value)
        scores, targets, predictions = [], [], []  # per head
        for head in range(self.num_heads):
            head_scores = [ops.matmul(v, centroids[head]) for v in z]
            own = ops.stop_gradient(head_scores[head % 2])
            targets.append(ops.argmax(own, axis=1))  # the nearest centroid
            scores.append(head_scores)
            predictions.append(ops.softmax(own / self.temperature, axis=1))
        # Before the first k-means the centroids are zeros: the loss is a
        # finite ln K, masked to 0 (no gradient) until the bank is clustered.
        ready = self.kmeans_runs.value > 0
        loss = ops.mean(deepcluster_loss(scores, targets, self.temperature))
        loss = ops.where(ready, loss, ops.zeros_like(loss))
        self._track(predictions, ops.cast(ready, "float32"))
        if training:
            self._push(ops.concatenate(z, axis=1))
        return loss

    def _track(self, predictions, ready):
        """Log the collapse signals over the global batch, 0 in warm-up."""
        entropy, usage = 0.0, 0.0
        for codes in predictions:
            codes, _ = all_gather_batch(codes)
            entropy = entropy + cluster_collapse.codes_entropy(codes)
            usage = usage + cluster_collapse.prototype_usage(codes)
        self.entropy_tracker.update_state(entropy / self.num_heads, sample_weight=ready)
        self.usage_tracker.update_state(usage / self.num_heads, sample_weight=ready)
        self.ready_tracker.update_state(ready)

    def _push(self, rows):
        """Push the global batch's projections (both views) into the bank."""
        local = rows.shape[0]
        if local is not None:
            self.memory_bank.check_capacity(local * num_replicas(), "memory_size")
        gathered, _ = all_gather_batch(rows)
        self.memory_bank.push(gathered)

    def check_batch_capacity(self, count):
        """Raise if a global batch of `count` images does not fit the bank."""
        self.memory_bank.check_capacity(count, "memory_size")

    def get_config(self):
        config = super().get_config()
        config.update(
            num_prototypes=self.num_prototypes,
            num_heads=self.num_heads,
            memory_size=self.memory_size,
            projection_hidden_units=self.projection_hidden_units,
            projection_units=self.projection_units,
            temperature=self.temperature,
            kmeans_iterations=self.kmeans_iterations,
            kmeans_every_steps=self.kmeans_every_steps,
        )
        return config
