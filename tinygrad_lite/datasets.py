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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DATASETS", "Dataset", "load"]

_INSTALL_HINT = 'pip install "tinygrad_lite[data]"'


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
        name: One of ``"iris"``, ``"moons"``, ``"circles"``, ``"blobs"``.
        n_samples: Number of points to generate (None: the data set's
            default, see :data:`DATASETS`). Iris has a fixed size.
        noise: Standard deviation of the Gaussian noise (blobs: of each blob;
            None: the default). Iris has no noise knob.
        seed: Seeds the generator and the split, so a seed gives the same data.
        test_size: Fraction of the points held out for testing, in (0, 1).

    Returns:
        A :class:`Dataset` of plain Python lists.

    Raises:
        ValueError: For an unknown name (the message lists the known ones) or
            an out-of-range argument.
        ImportError: If scikit-learn is missing.
    """
    if name not in DATASETS:
        known = ", ".join(sorted(DATASETS))
        raise ValueError(f"unknown data set {name!r}; known data sets: {known}")
    spec = DATASETS[name]
    if spec.n_samples is None and n_samples is not None:
        raise ValueError(f"{name} has a fixed size; n_samples must be None, got {n_samples!r}")
    if spec.noise is None and noise is not None:
        raise ValueError(f"{name} has no noise knob; noise must be None, got {noise!r}")
    size = spec.n_samples if n_samples is None else n_samples
    sigma = spec.noise if noise is None else noise
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 8):
        raise ValueError(f"n_samples must be an integer >= 8, got {n_samples!r}")
    if sigma is not None and not (isinstance(sigma, (int, float)) and 0.0 <= sigma < math.inf):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    if not (isinstance(test_size, (int, float)) and 0.0 < test_size < 1.0):
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, got {seed!r}")

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
