"""Model files as untrusted input, and the first nn's files still loading.

The reproducers from the issue, then a fault-injection probe that mutates
valid files (deterministically, from fixed seeds) and checks, for every
mutation, the promise of :func:`load_model` and :meth:`Module.load`: a model
that matches the file, or a ``ValueError`` naming the path, never another
exception, with bounded memory. The short probe runs in ``make test``; the
long one is marked ``fuzz``.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tinygrad_lite.nn import (
    MAX_FILE_BYTES,
    MLP,
    Dropout,
    Layer,
    Linear,
    Module,
    Neuron,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    load_model,
)
from tinygrad_lite.nn.files import MAX_NESTING, _declared

DATA = Path(__file__).resolve().parents[1] / "data"


def write(tmp_path: Path, document: Any, name: str = "model.json") -> Path:
    path = tmp_path / name
    text = document if isinstance(document, str) else json.dumps(document)
    path.write_text(text, encoding="utf-8")
    return path


def header(cls: str, config: Any, state: Any) -> dict[str, Any]:
    return {
        "format": "tinygrad_lite.module",
        "version": 1,
        "class": cls,
        "config": config,
        "state": state,
    }


def peak_bytes(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        with contextlib.suppress(ValueError):
            fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- the first nn's files ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("mlp-v1.json", lambda: MLP(2, [3, 2], activation="tanh", init="xavier", seed=7)),
        ("layer-v1.json", lambda: Layer(3, 2, activation="sigmoid", seed=8)),
        ("neuron-v1.json", lambda: Neuron(2, activation=None, init="he", seed=9)),
    ],
)
def test_the_seeds_files_load_and_are_written_byte_for_byte(
    name: str, build: Callable[[], Module], tmp_path: Path
) -> None:
    # tests/data holds files written by the first nn.py (before Module registered anything)
    old = DATA / name
    model = build()
    rebuilt = load_model(old)
    assert type(rebuilt) is type(model)
    assert rebuilt.state_dict() == json.loads(old.read_text())["state"] == model.state_dict()
    twin = build()
    twin.load(old)
    assert twin.state_dict() == model.state_dict()
    fresh = tmp_path / name
    model.save(fresh)
    assert fresh.read_bytes() == old.read_bytes()  # same parameter order, names and format


# -- the architecture must match the weights before anything is built ------------------------


def test_a_small_file_declaring_a_huge_layer_costs_nothing(tmp_path: Path) -> None:
    # the issue: 159 bytes declaring 1000x1000 took seconds and 260 MB before being refused
    document = header("Layer", {"nin": 1000, "nout": 1000}, {"neurons.0.w.0": 0.5})
    path = write(tmp_path, document)
    assert len(path.read_bytes()) < 200
    with pytest.raises(ValueError, match="declares 1001000 parameters, but 'state' holds 1"):
        load_model(path)
    small = peak_bytes(lambda: load_model(path))
    huge = write(
        tmp_path, header("MLP", {"nin": 10**9, "nouts": [10**9] * 50}, {"b": 1.0}), "huge.json"
    )
    assert peak_bytes(lambda: load_model(huge)) < 200_000
    assert small < 200_000  # no allocation grows with the declared size


def test_names_must_match_not_only_the_count(tmp_path: Path) -> None:
    state = {f"w.{i}": 0.1 for i in range(3)} | {"bias": 0.0}
    path = write(tmp_path, header("Neuron", {"nin": 3}, state))
    with pytest.raises(ValueError, match=r"missing \['b'\], unexpected \['bias'\]"):
        load_model(path)


@pytest.mark.parametrize(
    "model",
    [
        Neuron(3, activation="tanh", seed=0),
        Layer(2, 3, seed=0),
        MLP(3, [4, 4, 2], seed=0),
        Linear(3, 2, seed=0),
        Linear(2, 2, bias=False, seed=0),
        Sequential(Linear(2, 3, seed=0), ReLU(), Dropout(0.1), Sequential(Layer(3, 2), Sigmoid())),
        Sequential({"a": Tanh(), "b": MLP(1, [2], seed=1)}),
    ],
    ids=lambda m: type(m).__name__,
)
def test_declared_names_are_the_models_names(model: Module) -> None:
    config = model._config()
    count, names = _declared(type(model).__name__, config, "here", 0)
    expected = [name for name, _ in model.named_parameters()]
    assert list(names()) == expected and count == len(expected)


# -- hostile JSON -----------------------------------------------------------------------


def test_deep_nesting_is_a_value_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[" * 100000)
    with pytest.raises(ValueError, match=r"model\.json.*nests too deeply"):
        load_model(path)
    deep: dict[str, Any] = {"name": "x", "class": "ReLU", "config": {}}
    for _ in range(MAX_NESTING + 1):
        deep = {"name": "x", "class": "Sequential", "config": {"modules": [deep]}}
    with pytest.raises(ValueError, match=f"nests deeper than {MAX_NESTING} levels"):
        load_model(write(tmp_path, header("Sequential", deep["config"], {}), "deep.json"))


def test_a_class_that_is_a_list_is_a_value_error(tmp_path: Path) -> None:
    path = write(tmp_path, header([], {"nin": 1}, {}))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"model\.json.*'class' must be a class name"):
        load_model(path)
    with pytest.raises(ValueError, match=r"model\.json.*'class'"):
        Neuron(1).load(path)


@pytest.mark.parametrize(
    ("number", "pattern"),
    [
        ("1" + "0" * 400, "a 401-digit integer"),
        ("9" * 4300, "a 4300-digit integer"),
        ("9" * 100000, "a 100000-digit integer"),
        ("2" * 320, "inside the float range, got 2222"),
        ("1e400", "is inf; non-finite weights are refused"),
    ],
    ids=["10**400", "4300-digits", "100000-digits", "320-digits", "1e400"],
)
def test_huge_numbers_name_the_entry(tmp_path: Path, number: str, pattern: str) -> None:
    text = json.dumps(header("Neuron", {"nin": 1}, {"w.0": 0.5, "b": 0.0})).replace("0.5", number)
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=r"model\.json.*'state' entry 'w\.0'.*" + pattern):
        load_model(path)


def test_non_finite_weights_are_refused_unless_allowed(tmp_path: Path) -> None:
    model = Neuron(2, seed=0)
    model.w[0].data = math.nan
    model.w[1].data = -math.inf
    path = tmp_path / "diverged.json"
    model.save(path)  # written as JSON's NaN / -Infinity extension
    with pytest.raises(ValueError, match=r"'state' entry 'w\.0' is nan; .*allow_nonfinite=True"):
        load_model(path)
    with pytest.raises(ValueError, match="allow_nonfinite"):
        Neuron(2).load(path)
    rebuilt = load_model(path, allow_nonfinite=True)
    assert math.isnan(rebuilt.w[0].data) and rebuilt.w[1].data == -math.inf  # type: ignore[attr-defined]


def test_the_size_cap_is_documented_and_raisable(tmp_path: Path) -> None:
    assert MAX_FILE_BYTES == 16 * 2**20
    path = tmp_path / "mlp.json"
    MLP(2, [8, 1], seed=0).save(path)
    size = len(path.read_bytes())
    with pytest.raises(ValueError, match=f"larger than max_bytes={size - 1} bytes"):
        load_model(path, max_bytes=size - 1)
    assert isinstance(load_model(path, max_bytes=size), MLP)
    with pytest.raises(ValueError, match="max_bytes must be a positive int"):
        load_model(path, max_bytes=0)


@pytest.mark.parametrize(
    ("config", "pattern"),
    [
        ({"nin": "2", "nouts": [1]}, "entry 'nin' must be an int >= 1, got '2'"),
        ({"nin": 2, "nouts": [True]}, "'nouts' must be a non-empty list of ints >= 1"),
        ({"nin": 2, "nouts": []}, "'nouts' must be a non-empty list"),
        ({"nin": 2, "nouts": [1], "activation": []}, "'activation' must be one of"),
        ({"nin": 2, "nouts": [1], "init": "normal"}, "'init' must be one of"),
        ({"nin": 2, "nouts": [1], "seed": 3}, r"unknown entries \['seed'\]"),
        ([1, 2], "'config' must be an object or null"),
    ],
)
def test_bad_configs_name_the_entry(tmp_path: Path, config: Any, pattern: str) -> None:
    state = MLP(2, [1], seed=0).state_dict()
    path = write(tmp_path, header("MLP", config, state))
    with pytest.raises(ValueError, match=r"model\.json"):
        load_model(path)
    with pytest.raises(ValueError, match=pattern):
        load_model(path)


# -- the fault-injection probe ----------------------------------------------------------

HOSTILE: list[Any] = [
    None,
    True,
    -1,
    0,
    "x",
    "relu",
    [],
    {},
    [1],
    {"a": 1},
    10**6,
    1.5,
    "NaN",
]

SAMPLES: list[Callable[[], Module]] = [
    lambda: MLP(2, [3, 2], seed=0),
    lambda: Layer(2, 2, seed=1),
    lambda: Neuron(3, seed=2),
    lambda: Sequential(Linear(2, 2, seed=3), Tanh(), Dropout(0.3), Linear(2, 1, seed=4)),
]


def _mutations(text: str, rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:  # flip a byte
        i = rng.randrange(len(text))
        return text[:i] + chr(rng.randrange(32, 127)) + text[i + 1 :]
    if kind == 1:  # truncate
        return text[: rng.randrange(len(text))]
    document = json.loads(text)
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else []
        )
        for key, value in items:
            walk(value, (*path, key))

    walk(document, ())
    path = rng.choice(paths[1:])
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if kind == 2:
        parent[path[-1]] = rng.choice(HOSTILE)
    elif isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.append(rng.choice(HOSTILE))
    return json.dumps(document)


def probe_model_files(tries: int, seed: int, directory: Path) -> tuple[int, list[str]]:
    """Load ``tries`` mutated files; returns (tries, the broken promises)."""
    rng = random.Random(seed)
    broken: list[str] = []
    for k in range(tries):
        build = SAMPLES[k % len(SAMPLES)]
        source = directory / "source.json"
        build().save(source)
        path = directory / "probe.json"
        path.write_text(_mutations(source.read_text(), rng), encoding="utf-8")
        for attempt in ("load_model", "Module.load"):
            target = build()
            before = target.state_dict()
            try:
                result = load_model(path) if attempt == "load_model" else target.load(path)
            except ValueError as error:
                if "probe.json" not in str(error):
                    broken.append(f"try {k} {attempt}: message lacks the path: {error}")
                if attempt == "Module.load" and target.state_dict() != before:
                    broken.append(f"try {k} {attempt}: a refused file changed the model")
                continue
            except Exception as error:  # the promise: a model or a ValueError
                broken.append(f"try {k} {attempt}: {type(error).__name__}: {error}")
                continue
            loaded = result if isinstance(result, Module) else target
            state = json.loads(path.read_text())["state"]
            if loaded.state_dict() != {name: float(v) for name, v in state.items()}:
                broken.append(f"try {k} {attempt}: the model does not hold the file's weights")
    return tries, broken


def test_probe_model_files(tmp_path: Path) -> None:
    tried, broken = probe_model_files(400, seed=3, directory=tmp_path)
    print(f"model file probe: {tried} tried, {len(broken)} broke a promise")
    assert not broken, broken[:5]


@pytest.mark.fuzz
def test_probe_model_files_long(tmp_path: Path) -> None:
    tried, broken = probe_model_files(6000, seed=1803, directory=tmp_path)
    print(f"model file probe (long): {tried} tried, {len(broken)} broke a promise")
    assert not broken, broken[:5]
