"""Small classification data sets, split and standardized, as plain Python lists.

Sits above the engine and ``nn`` in the import order and imports neither: it
only shapes data. scikit-learn supplies the points (its bundled copy of iris,
no download; its generators for moons, circles and blobs) and is imported
inside :func:`load`, so ``import tinygrad_lite`` never needs it.

Every data set is split into a stratified train and test part, then each
feature is standardized with the *train* statistics,
``x' = (x - mean_train) / std_train``, so nothing about the test points leaks
into the scaling.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .extras import install_hint

__all__ = ["DATASETS", "MAX_NOISE", "MAX_SAMPLES", "MAX_SEED", "Dataset", "load", "min_samples"]

_INSTALL_HINT = install_hint("data")

MAX_SAMPLES = 1_000_000
"""The most points :func:`load` generates (a scalar engine trains on thousands)."""

MAX_NOISE = 1e6
"""The largest ``noise`` :func:`load` accepts: far past the point where noise buries the
data (whose own scale is about 1), and far below where squaring a deviation overflows."""

MAX_SEED = 2**32 - 1
"""The largest ``seed`` (scikit-learn's generators take seeds in ``[0, 2**32 - 1]``)."""


@dataclass(frozen=True)
class _Spec:
    """What a data set is and its default size and noise."""

    description: str
    n_samples: int | None  # None: a fixed, bundled data set
    noise: float | None  # None: the data set has no noise knob


# NOTE: the defaults are chosen so that the default MLP of each data set
# (see tinygrad_lite.train.default_settings) clears the quality bar of
# benchmarks/train.py: enough test points that one error is not 2 % of them.
DATASETS: dict[str, _Spec] = {
    "iris": _Spec("Fisher's iris flowers: 150 samples, 4 features, 3 species", None, None),
    "moons": _Spec("two interleaving half circles (2 features, 2 classes)", 300, 0.1),
    "circles": _Spec("a small circle inside a large one (2 features, 2 classes)", 300, 0.08),
    "blobs": _Spec("three Gaussian blobs (2 features, 3 classes); noise is their std", 400, 1.0),
}


@dataclass(frozen=True)
class Dataset:
    """A classification data set split into standardized train and test parts.

    Attributes:
        name: The name it was loaded by (``"moons"``).
        X_train: Train inputs, one list of floats per sample.
        y_train: Train labels, class indices ``0 .. n_classes - 1``.
        X_test: Test inputs.
        y_test: Test labels.
        class_names: One name per class index.
        feature_names: One name per input feature.
        mean: The per-feature train mean that was subtracted.
        scale: The per-feature train standard deviation that was divided by.
    """

    name: str
    X_train: list[list[float]]
    y_train: list[int]
    X_test: list[list[float]]
    y_test: list[int]
    class_names: list[str]
    feature_names: list[str]
    mean: list[float] = field(default_factory=list)
    scale: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        # NOTE: numpy arrays (anything with .tolist()) become plain lists, then
        # everything is checked once, so fit() never trains on a bad label.
        for name in ("X_train", "y_train", "X_test", "y_test"):
            value = getattr(self, name)
            if hasattr(value, "tolist") and not isinstance(value, list):
                object.__setattr__(self, name, value.tolist())
        self.validate()

    def validate(self) -> None:
        """Check that every row and label fits the data set; one clear error for the first misfit.

        Raises:
            ValueError: If a split's rows and labels differ in number, a row
                has the wrong number of features or a value that is not a
                finite number, or a label is not a class index
                ``0 .. n_classes - 1`` (an int).
        """
        if not self.feature_names or not self.class_names:
            raise ValueError(
                f"data set {self.name!r} needs feature_names and class_names, got "
                f"{self.feature_names!r} and {self.class_names!r}"
            )
        for split in ("train", "test"):
            _check_split(self, split, getattr(self, f"X_{split}"), getattr(self, f"y_{split}"))

    @property
    def n_features(self) -> int:
        """The number of input features."""
        return len(self.feature_names)

    @property
    def n_classes(self) -> int:
        """The number of classes."""
        return len(self.class_names)

    def standardize(self, points: Sequence[Sequence[float]]) -> list[list[float]]:
        """Scale raw points as the data set's own points were scaled (train statistics)."""
        return [
            [(x - m) / s for x, m, s in zip(point, self.mean, self.scale, strict=True)]
            for point in points
        ]

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, train={len(self.X_train)}, test={len(self.X_test)}, "
            f"features={self.n_features}, classes={self.class_names})"
        )


def _check_split(data: Dataset, split: str, rows: Any, labels: Any) -> None:
    x_name, y_name = f"X_{split}", f"y_{split}"
    for what, value in ((x_name, rows), (y_name, labels)):
        if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
            raise ValueError(f"{what} must be a list, got {type(value).__name__}")
    if len(rows) != len(labels):
        raise ValueError(
            f"data set {data.name!r}: {x_name} has {len(rows)} rows but {y_name} has "
            f"{len(labels)} labels; give one label per row"
        )
    width, top = len(data.feature_names), len(data.class_names) - 1
    for i, row in enumerate(rows):
        if not isinstance(row, Sequence) or isinstance(row, (str, bytes)) or len(row) != width:
            size = len(row) if isinstance(row, Sequence) else type(row).__name__
            raise ValueError(
                f"data set {data.name!r}: {x_name}[{i}] must be a row of {width} numbers "
                f"(one per feature), got {size}"
            )
        for j, x in enumerate(row):
            if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
                raise ValueError(
                    f"data set {data.name!r}: {x_name}[{i}][{j}] must be a finite number, got {x!r}"
                )
    for i, label in enumerate(labels):
        if (
            isinstance(label, bool)
            or not isinstance(label, numbers.Integral)
            or not 0 <= int(label) <= top
        ):
            raise ValueError(
                f"data set {data.name!r}: {y_name}[{i}] must be a class index 0..{top} "
                f"(an int), got {label!r}"
            )


def min_samples(name: str, test_size: float = 0.25) -> int:
    """The fewest points ``load(name, n_samples=...)`` can split with ``test_size``.

    A stratified split needs every class at least twice and at least one
    point of each class in both parts: ``n_test = ceil(test_size * n)`` and
    ``n - n_test`` must both reach the number of classes.

    Raises:
        ValueError: For an unknown or fixed-size data set.
    """
    key = _known(name)
    if DATASETS[key].n_samples is None:
        raise ValueError(f"{key} has a fixed size; it takes no n_samples")
    classes = 3 if key == "blobs" else 2
    n = 2 * classes
    while True:
        n_test = math.ceil(test_size * n)
        if n // classes >= 2 and n_test >= classes and n - n_test >= classes:
            return n
        n += 1


def _known(name: Any) -> str:
    """The data set's canonical name (names are case-insensitive)."""
    key = name.lower() if isinstance(name, str) else name
    if key not in DATASETS:
        known = ", ".join(sorted(DATASETS))
        raise ValueError(f"unknown data set {name!r}; known data sets: {known}")
    return str(key)


def _require_sklearn() -> Any:
    try:
        import sklearn.datasets
    except ImportError as error:
        raise ImportError(f"tinygrad_lite.datasets needs scikit-learn: {_INSTALL_HINT}") from error
    return sklearn.datasets


def _blob_centers() -> list[tuple[float, float]]:
    # Three centers on a circle of radius 4: 6.9 apart, so blobs of std 1
    # barely touch and the classes are (almost surely) separable.
    return [
        (4.0 * math.cos(math.radians(angle)), 4.0 * math.sin(math.radians(angle)))
        for angle in (90.0, 210.0, 330.0)
    ]


def _raw(
    name: str, n_samples: int, noise: float, seed: int
) -> tuple[Any, Any, list[str], list[str]]:
    """The unsplit inputs, labels, class names and feature names."""
    sk = _require_sklearn()
    if name == "iris":
        iris = sk.load_iris()
        features = [str(f).replace(" (cm)", "") for f in iris.feature_names]
        return iris.data, iris.target, [str(c) for c in iris.target_names], features
    xy = ["x1", "x2"]
    if name == "moons":
        x, y = sk.make_moons(n_samples=n_samples, noise=noise, random_state=seed)
        return x, y, ["upper moon", "lower moon"], xy
    if name == "circles":
        x, y = sk.make_circles(n_samples=n_samples, noise=noise, factor=0.5, random_state=seed)
        return x, y, ["outer circle", "inner circle"], xy
    x, y = sk.make_blobs(
        n_samples=n_samples, centers=_blob_centers(), cluster_std=noise, random_state=seed
    )
    return x, y, ["blob 0", "blob 1", "blob 2"], xy


def load(
    name: str,
    n_samples: int | None = None,
    noise: float | None = None,
    seed: int = 0,
    test_size: float = 0.25,
) -> Dataset:
    """Load a data set by name, split it (stratified) and standardize it.

    Args:
        name: One of ``"iris"``, ``"moons"``, ``"circles"``, ``"blobs"``
            (case-insensitive).
        n_samples: Number of points to generate, from :func:`min_samples`
            up to :data:`MAX_SAMPLES` (None: the data set's default, see
            :data:`DATASETS`). Iris has a fixed size.
        noise: Standard deviation of the Gaussian noise, in ``[0, MAX_NOISE]``
            (blobs: of each blob; None: the default). Iris has no noise knob.
        seed: Seeds the generator and the split, in ``[0, MAX_SEED]``, so a
            seed gives the same data.
        test_size: Fraction of the points held out for testing, in (0, 1).

    Returns:
        A :class:`Dataset` of plain Python lists.

    Raises:
        ValueError: For an unknown name (the message lists the known ones) or
            an out-of-range argument.
        ImportError: If scikit-learn is missing.
    """
    name = _known(name)
    spec = DATASETS[name]
    if spec.n_samples is None and n_samples is not None:
        raise ValueError(f"{name} has a fixed size; n_samples must be None, got {n_samples!r}")
    if spec.noise is None and noise is not None:
        raise ValueError(f"{name} has no noise knob; noise must be None, got {noise!r}")
    if isinstance(test_size, bool) or not (
        isinstance(test_size, (int, float)) and 0.0 < test_size < 1.0
    ):
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    size = spec.n_samples if n_samples is None else n_samples
    sigma = spec.noise if noise is None else noise
    if size is not None:
        fewest = min_samples(name, test_size)
        if isinstance(size, bool) or not isinstance(size, int) or not fewest <= size <= MAX_SAMPLES:
            raise ValueError(
                f"n_samples must be an integer from {fewest} to {MAX_SAMPLES} for {name} with "
                f"test_size={test_size} (each class needs points in train and in test), "
                f"got {n_samples!r}"
            )
    if sigma is not None and (
        isinstance(sigma, bool)
        or not isinstance(sigma, (int, float))
        or not 0.0 <= sigma <= MAX_NOISE
    ):
        raise ValueError(f"noise must be a number in [0, {int(MAX_NOISE)}], got {noise!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be an integer in [0, 2**32 - 1], got {seed!r}")

    inputs, labels, class_names, feature_names = _raw(name, size or 0, sigma or 0.0, seed)
    from sklearn.model_selection import train_test_split

    try:
        x_train, x_test, y_train, y_test = train_test_split(
            inputs, labels, test_size=test_size, random_state=seed, stratify=labels
        )
    except ValueError as error:  # too few points for a stratified split
        raise ValueError(
            f"cannot split {name} ({len(labels)} samples) with test_size={test_size}: {error}"
        ) from error

    columns = list(zip(*x_train.tolist(), strict=True))
    mean = [math.fsum(column) / len(column) for column in columns]
    scale = []
    for column, m in zip(columns, mean, strict=True):
        std = math.sqrt(math.fsum((x - m) ** 2 for x in column) / len(column))
        scale.append(std if std > 0.0 else 1.0)  # a constant feature stays as it is

    def standardize(rows: Any) -> list[list[float]]:
        return [
            [(float(x) - m) / s for x, m, s in zip(row, mean, scale, strict=True)]
            for row in rows.tolist()
        ]

    return Dataset(
        name=name,
        X_train=standardize(x_train),
        y_train=[int(y) for y in y_train],
        X_test=standardize(x_test),
        y_test=[int(y) for y in y_test],
        class_names=class_names,
        feature_names=feature_names,
        mean=mean,
        scale=scale,
    )
