"""Tests for tinygrad_lite.datasets: shapes, types, stratification, scaling, errors."""

from __future__ import annotations

import math
import sys
from collections import Counter

import pytest

from tinygrad_lite import datasets
from tinygrad_lite.datasets import Dataset, load

pytest.importorskip("sklearn")

EXPECTED = {
    # name: (features, classes)
    "iris": (4, 3),
    "moons": (2, 2),
    "circles": (2, 2),
    "blobs": (2, 3),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shapes_and_plain_types(name: str) -> None:
    data = load(name, seed=0)
    features, classes = EXPECTED[name]
    assert isinstance(data, Dataset)
    assert data.name == name
    assert data.n_features == features == len(data.feature_names)
    assert data.n_classes == classes == len(data.class_names)
    for xs, ys in ((data.X_train, data.y_train), (data.X_test, data.y_test)):
        assert len(xs) == len(ys) > 0
        assert type(xs) is list and all(type(row) is list for row in xs)
        assert all(len(row) == features for row in xs)
        assert all(type(x) is float and math.isfinite(x) for row in xs for x in row)
        assert all(type(y) is int and 0 <= y < classes for y in ys)
    total = len(data.y_train) + len(data.y_test)
    assert len(data.y_test) == math.ceil(0.25 * total)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_train_features_are_standardized(name: str) -> None:
    data = load(name)
    for column in zip(*data.X_train, strict=True):
        mean = math.fsum(column) / len(column)
        var = math.fsum((x - mean) ** 2 for x in column) / len(column)
        assert mean == pytest.approx(0.0, abs=1e-9)
        assert var == pytest.approx(1.0, rel=1e-9)
    # the test part is scaled with the train statistics, so it is near, not at, 0 / 1
    test_means = [math.fsum(c) / len(c) for c in zip(*data.X_test, strict=True)]
    assert all(abs(m) < 0.5 for m in test_means)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_split_is_stratified(name: str) -> None:
    data = load(name, test_size=0.3)
    train, test = Counter(data.y_train), Counter(data.y_test)
    for label in range(data.n_classes):
        share_train = train[label] / len(data.y_train)
        share_test = test[label] / len(data.y_test)
        assert abs(share_train - share_test) < 0.05


def test_standardize_reproduces_the_scaling() -> None:
    data = load("iris")
    from sklearn.datasets import load_iris

    raw = load_iris().data.tolist()
    scaled = data.standardize(raw)
    every_point = data.X_train + data.X_test
    # each standardized raw point is one of the data set's points
    for point in every_point[:10]:
        assert any(all(abs(a - b) < 1e-12 for a, b in zip(point, s, strict=True)) for s in scaled)


def test_seed_reproducible_and_different() -> None:
    a, b, c = load("moons", seed=3), load("moons", seed=3), load("moons", seed=4)
    assert a.X_train == b.X_train and a.y_test == b.y_test
    assert a.X_train != c.X_train


def test_size_and_noise_arguments() -> None:
    data = load("circles", n_samples=40, noise=0.0, test_size=0.5)
    assert len(data.X_train) == len(data.X_test) == 20
    raw = [
        [x * s + m for x, s, m in zip(p, data.scale, data.mean, strict=True)]
        for p in data.X_train + data.X_test
    ]
    # noise 0: undoing the scaling puts every point on the circle of radius 1 or 0.5
    assert all(min(abs(math.hypot(*p) - 1.0), abs(math.hypot(*p) - 0.5)) < 1e-9 for p in raw)


def test_unknown_name_lists_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown data set 'mnist'") as info:
        load("mnist")
    for known in EXPECTED:
        assert known in str(info.value)
    assert set(datasets.DATASETS) == set(EXPECTED)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "iris", "n_samples": 10}, "fixed size"),
        ({"name": "iris", "noise": 0.1}, "no noise"),
        ({"name": "moons", "n_samples": 3}, "n_samples"),
        ({"name": "moons", "n_samples": 10.5}, "n_samples"),
        ({"name": "moons", "noise": -1.0}, "noise"),
        ({"name": "moons", "noise": math.nan}, "noise"),
        ({"name": "moons", "test_size": 1.0}, "test_size"),
        ({"name": "moons", "test_size": 0}, "test_size"),
        ({"name": "moons", "seed": "0"}, "seed"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load(**kwargs)  # type: ignore[arg-type]


def test_missing_sklearn_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"tinygrad_lite\[data\]"):
        load("moons")


def test_import_needs_no_sklearn() -> None:
    import subprocess

    code = (
        "import sys; import tinygrad_lite.datasets; sys.exit(1 if 'sklearn' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
