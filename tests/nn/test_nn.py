"""Tests for tinygrad_lite.nn: micrograd parity, names, init, state, JSON files."""

from __future__ import annotations

import json
import math
import pickle
import random
from pathlib import Path

import pytest

from tinygrad_lite.engine import Value, total
from tinygrad_lite.nn import MLP, Layer, Module, Neuron, load_model


def _micrograd_twin(seed: int) -> tuple[MLP, object]:
    """Our MLP and micrograd's, with identical weights, global state restored."""
    micrograd_nn = pytest.importorskip("micrograd.nn")
    ours = MLP(2, [16, 16, 1], seed=random.Random(seed))
    state = random.getstate()
    try:
        random.seed(seed)
        theirs = micrograd_nn.MLP(2, [16, 16, 1])
    finally:
        random.setstate(state)
    return ours, theirs


def test_mlp_has_337_parameters_in_micrograd_order() -> None:
    ours, theirs = _micrograd_twin(1337)
    params = ours.parameters()
    assert len(params) == 337
    their_params = theirs.parameters()  # type: ignore[attr-defined]
    assert len(their_params) == 337
    # bit-identical weights: same draws in the same order
    assert [p.data for p in params] == [float(p.data) for p in their_params]
    names = [name for name, _ in ours.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.2.neurons.0.b"
    assert len(set(names)) == 337


def test_named_parameter_example() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    named = dict(model.named_parameters())
    assert named["layers.0.neurons.3.w.1"] is model.layers[0].neurons[3].w[1]
    assert named["layers.1.neurons.15.b"] is model.layers[1].neurons[15].b


def test_forward_matches_micrograd_bit_for_bit_and_gradients_to_rounding() -> None:
    ours, theirs = _micrograd_twin(1337)
    rng = random.Random(3)
    xs = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(8)]
    ys = [rng.choice([-1.0, 1.0]) for _ in range(8)]

    def loss_of(model: object, total_fn: object) -> object:
        scores = [model(x) for x in xs]  # type: ignore[operator]
        losses = [(1 + -y * s).relu() for y, s in zip(ys, scores, strict=True)]
        return total_fn(losses) * (1.0 / len(losses))  # type: ignore[operator]

    our_loss = loss_of(ours, total)
    their_loss = loss_of(theirs, sum)
    assert isinstance(our_loss, Value)
    assert our_loss.data == their_loss.data  # type: ignore[attr-defined]
    our_loss.backward()
    their_loss.backward()  # type: ignore[attr-defined]
    # NOTE: gradients that add up over several paths may be summed in another
    # order than micrograd's topological sort, so they agree to rounding only.
    their_grads = [float(p.grad) for p in theirs.parameters()]  # type: ignore[attr-defined]
    for ours_grad, theirs_grad in zip(
        [p.grad for p in ours.parameters()], their_grads, strict=True
    ):
        assert math.isclose(ours_grad, theirs_grad, rel_tol=1e-12, abs_tol=1e-15)
    assert any(g != 0.0 for g in their_grads)


def test_seed_is_private_and_reproducible() -> None:
    state = random.getstate()
    a = MLP(3, [4, 2], seed=5)
    b = MLP(3, [4, 2], seed=5)
    c = MLP(3, [4, 2], seed=6)
    assert random.getstate() == state
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()
    # the biases start at zero
    assert all(n.b.data == 0.0 for layer in a.layers for n in layer.neurons)


@pytest.mark.parametrize(
    ("init", "bound"),
    [("uniform", 1.0), ("xavier", math.sqrt(6.0 / (50 + 20))), ("he", math.sqrt(6.0 / 50))],
)
def test_init_bounds(init: str, bound: float) -> None:
    layer = Layer(50, 20, init=init, seed=1)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert max(abs(w) for w in weights) <= bound
    # 1000 uniform draws nearly fill the interval
    assert max(abs(w) for w in weights) > 0.9 * bound


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", None])
def test_neuron_activation(activation: str | None) -> None:
    neuron = Neuron(3, activation=activation, seed=2)
    x = [0.3, -1.5, 2.0]
    pre = neuron.b.data + sum(w.data * xi for w, xi in zip(neuron.w, x, strict=True))
    expected = {
        "relu": max(pre, 0.0),
        "tanh": math.tanh(pre),
        "sigmoid": 1.0 / (1.0 + math.exp(-pre)),
        None: pre,
    }[activation]
    out = neuron(x)
    assert math.isclose(out.data, expected, rel_tol=1e-12, abs_tol=1e-15)
    # predict_floats is the same computation, to the last bit
    assert neuron.predict_floats([x]) == [[out.data]]


def test_mlp_last_layer_is_linear() -> None:
    model = MLP(2, [4, 3], activation="tanh", seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", None]
    out = model([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3
    assert all(o.op == "dot" for o in out)


def test_layer_lifts_float_inputs_once() -> None:
    layer = Layer(3, 4, activation=None, seed=0)
    out = layer.outputs([1.0, 2.0, 3.0])
    inputs = [o.parents[3:6] for o in out]
    # every neuron sees the very same input nodes
    assert all(all(a is b for a, b in zip(inputs[0], row, strict=True)) for row in inputs)


def test_predict_floats_is_bit_identical_to_the_graph() -> None:
    model = MLP(2, [8, 8, 3], activation="tanh", seed=4)
    rng = random.Random(0)
    rows = [[rng.uniform(-3, 3), rng.uniform(-3, 3)] for _ in range(20)]
    fast = model.predict_floats(rows)
    slow = [[v.data for v in model.outputs(x)] for x in rows]
    assert fast == slow
    assert model.forward_floats(rows[0]) == fast[0]
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        model.predict_floats([[1.0, 2.0, 3.0]])


def test_zero_grad() -> None:
    model = MLP(2, [3, 1], seed=0)
    out = model([1.0, -1.0])
    assert isinstance(out, Value)
    (out * out + 1.0).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_repr_is_readable() -> None:
    assert repr(MLP(2, [16, 16, 1])) == "MLP(2 -> 16 -> 16 -> 1, activation='relu', parameters=337)"
    assert repr(Layer(2, 3, activation="tanh")) == "Layer(2, 3, activation='tanh')"
    assert repr(Neuron(4, activation=None)) == "Neuron(4, activation=None)"


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"activation.*'softmax'"):
        MLP(2, [3], activation="softmax")
    with pytest.raises(ValueError, match=r"init.*'normal'"):
        Neuron(2, init="normal")
    with pytest.raises(ValueError, match=r"nin.*0"):
        Layer(0, 2)
    with pytest.raises(ValueError, match="nouts"):
        MLP(2, [])
    with pytest.raises(ValueError, match="expects 2 inputs, got 1"):
        Neuron(2)([1.0])


def test_state_dict_round_trip() -> None:
    a = MLP(2, [4, 1], seed=0)
    b = MLP(2, [4, 1], seed=1)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert all(type(v) is float for v in a.state_dict().values())


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda s: s.pop("layers.0.neurons.0.w.0"),
        lambda s: s.update({"layers.9.b": 1.0}),
        lambda s: s.update({"layers.1.neurons.0.b": [1.0, 2.0]}),
        lambda s: s.update({"layers.1.neurons.0.b": "1.0"}),
    ],
    ids=["missing", "extra", "mis-shaped", "not-a-number"],
)
def test_load_state_dict_is_atomic(corrupt: object) -> None:
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    state = {name: 99.0 for name in before}
    corrupt(state)  # type: ignore[operator]
    with pytest.raises(ValueError, match="layers"):
        model.load_state_dict(state)
    assert model.state_dict() == before  # nothing changed


def test_save_and_load_json(tmp_path: Path) -> None:
    model = MLP(2, [5, 2], activation="tanh", init="xavier", seed=3)
    path = tmp_path / "model.json"
    model.save(path)
    document = json.loads(path.read_text())
    assert document["class"] == "MLP"
    assert document["config"] == {"nin": 2, "nouts": [5, 2], "activation": "tanh", "init": "xavier"}
    twin = MLP(2, [5, 2], activation="tanh", init="xavier", seed=99)
    twin.load(path)
    assert twin.state_dict() == model.state_dict()
    rebuilt = load_model(path)
    assert isinstance(rebuilt, MLP)
    assert rebuilt.state_dict() == model.state_dict()
    assert rebuilt.predict_floats([[0.1, 0.2]]) == model.predict_floats([[0.1, 0.2]])
    other = MLP(2, [6, 2], seed=0)
    with pytest.raises(ValueError, match=r"model\.json"):
        other.load(path)


def test_neuron_and_layer_files(tmp_path: Path) -> None:
    for module in (Neuron(3, activation="sigmoid", seed=1), Layer(3, 2, seed=1)):
        path = tmp_path / f"{type(module).__name__}.json"
        module.save(path)
        rebuilt: Module = load_model(path)
        assert type(rebuilt) is type(module)
        assert rebuilt.state_dict() == module.state_dict()


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'{"format": "something else"}',
        pickle.dumps({"format": "tinygrad_lite.module"}),
        b'{"format": "tinygrad_lite.module", "version": 1, "class": "os.system",'
        b' "config": {}, "state": {}}',
    ],
    ids=["truncated", "list", "foreign", "pickle", "unknown-class"],
)
def test_corrupt_file_raises_value_error_naming_the_path(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken-model.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="broken-model"):
        load_model(path)
    with pytest.raises(ValueError, match="broken-model"):
        MLP(2, [1]).load(path)
