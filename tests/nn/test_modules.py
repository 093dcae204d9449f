"""Tests for nn.Module as torch.nn.Module, and the torch-style blocks.

Registration, names, traversal, modes, repr, gradients, state and files of
any subclass; ``Linear``, ``Sequential``, ``ReLU``/``Tanh``/``Sigmoid`` and
``Dropout``.
"""

from __future__ import annotations

import copy
import math
import pickle
import random
from pathlib import Path
from typing import Any

import pytest

from tinygrad_lite.engine import Value
from tinygrad_lite.nn import (
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


class Net(Module):
    """The student's model from the issue: layers assigned as attributes."""

    def __init__(self, seed: int = 0) -> None:
        self.l1 = Layer(2, 4, seed=seed)
        self.l2 = Layer(4, 1, activation=None, seed=seed + 1)

    def forward(self, x: Any) -> Value:
        out: Value = self.l2(self.l1.outputs(x))
        return out


# -- registration -------------------------------------------------------------------


def test_a_custom_net_finds_its_parameters() -> None:
    net = Net()
    assert len(net.parameters()) == 4 * 3 + 1 * 5  # it was 0
    named = dict(net.named_parameters())
    assert named["l1.neurons.0.w.1"] is net.l1.neurons[0].w[1]
    assert named["l2.neurons.0.b"] is net.l2.neurons[0].b
    assert list(named)[:3] == ["l1.neurons.0.w.0", "l1.neurons.0.w.1", "l1.neurons.0.b"]
    assert net.parameters() == list(named.values())


def test_registration_follows_assignment_order() -> None:
    class Ordered(Module):
        def __init__(self) -> None:
            self.z = Value(1.0)
            self.a = Value(2.0)
            self.m = Value(3.0)

    model = Ordered()
    assert [name for name, _ in model.named_parameters()] == ["z", "a", "m"]
    model.a = Value(5.0)  # reassigning keeps the place
    assert [name for name, _ in model.named_parameters()] == ["z", "a", "m"]
    assert model.state_dict() == {"z": 1.0, "a": 5.0, "m": 3.0}
    model.z = 0.5  # no longer a Value: no longer a parameter
    del model.m
    assert [name for name, _ in model.named_parameters()] == ["a"]


def test_containers_nested_empty_and_grown() -> None:
    class Holder(Module):
        def __init__(self) -> None:
            self.blocks: list[Module] = []  # empty when assigned: registered
            self.table = {"x": Value(1.0), "deep": [(Value(2.0), Value(3.0))]}
            self.sizes = [2, 16, 1]  # plain numbers: not registered
            self.mixed = [Value(0.0), "text"]  # not only members: not registered

    model = Holder()
    model.blocks.append(Linear(1, 1, seed=0))
    names = [name for name, _ in model.named_parameters()]
    assert names == [
        "blocks.0.weight.0.0",
        "blocks.0.bias.0",
        "table.x",
        "table.deep.0.0",
        "table.deep.0.1",
    ]
    assert "sizes" in model.__dict__ and "mixed" in model.__dict__


def test_a_list_that_contains_itself_is_not_a_recursion_error() -> None:
    class Strange(Module):
        pass

    loop: list[Any] = [Value(1.0)]
    loop.append(loop)
    model = Strange()
    model.loop = loop
    assert model.parameters() == []  # refused quietly: not a container of members


def test_attribute_reads_stay_plain() -> None:
    # registered objects live in __dict__; no __getattr__ on the hot path
    neuron = Neuron(3, seed=0)
    assert neuron.__dict__["w"] is neuron.w and neuron.__dict__["b"] is neuron.b
    assert "__getattr__" not in vars(Module)
    assert Module.__getattribute__ is object.__getattribute__
    assert neuron.__dict__["_registered"] == ["w", "b"]


def test_walks_never_touch_an_instance_dict() -> None:
    # NOTE: on CPython 3.11, reading obj.__dict__ turns the compact attribute
    # storage into a real dict and every later self.w read gets about twice as
    # slow; the walks must read attributes with getattr only.
    touched: list[str] = []

    class Spy(Neuron):
        def __getattribute__(self, name: str) -> Any:
            if name == "__dict__":
                touched.append(name)
            return object.__getattribute__(self, name)

    spy = Spy(3, seed=0)
    model = Sequential(Linear(3, 3, seed=0), ReLU())
    model.append(spy)
    model.parameters()
    dict(model.named_parameters())
    model.load_state_dict(model.state_dict())
    model.eval().train()
    list(model.modules())
    repr(model)
    model.predict_floats([[1.0, 2.0, 3.0]])
    model.zero_grad()
    len(model), model[2], model[1:]
    assert touched == []


def test_super_init_is_optional_and_harmless() -> None:
    class WithSuper(Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = Value(1.0)

    assert [n for n, _ in WithSuper().named_parameters()] == ["w"]


def test_tied_and_shared_are_counted_once() -> None:
    shared = Linear(2, 2, seed=0)

    class Tied(Module):
        def __init__(self) -> None:
            self.first = shared
            self.second = shared
            self.alias = shared.weight[0][0]

    model = Tied()
    assert len(model.parameters()) == 6
    assert len(list(model.named_parameters())) == 6
    assert [name for name, _ in model.named_modules()] == ["", "first"]
    assert [name for name, _ in model.named_children()] == ["first"]


def test_recurse_false_keeps_own_values() -> None:
    class Scaled(Module):
        def __init__(self) -> None:
            self.inner = Linear(1, 1, seed=0)
            self.scale = Value(2.0)

    model = Scaled()
    assert model.parameters(recurse=False) == [model.scale]
    assert [n for n, _ in model.named_parameters(recurse=False)] == ["scale"]
    assert next(n for n, _ in model.named_parameters(prefix="net")) == "net.inner.weight.0.0"


def test_children_modules_and_apply() -> None:
    model = Sequential(Linear(2, 3, seed=0), ReLU(), Sequential(Linear(3, 1, seed=1), Tanh()))
    assert [type(m).__name__ for m in model.children()] == ["Linear", "ReLU", "Sequential"]
    assert [name for name, _ in model.named_modules()] == ["", "0", "1", "2", "2.0", "2.1"]
    assert next(iter(model.modules())) is model
    seen: list[str] = []
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    assert seen == ["Linear", "ReLU", "Linear", "Tanh", "Sequential", "Sequential"]


def test_a_module_that_holds_itself_is_walked_once() -> None:
    class Loop(Module):
        def __init__(self) -> None:
            self.w = Value(1.0)
            self.me = self

    model = Loop()
    assert model.parameters() == [model.w]
    assert [name for name, _ in model.named_modules()] == [""]


# -- modes, gradients, repr ----------------------------------------------------------


def test_train_and_eval() -> None:
    model = Sequential(Linear(2, 2, seed=0), Dropout(0.5, seed=0))
    assert model.training and model[1].training
    assert model.eval() is model
    assert not model.training and not model[0].training and not model[1].training
    assert model.train() is model and all(m.training for m in model.modules())
    model.train(False)
    assert not model[1].training
    with pytest.raises(ValueError, match=r"train\(mode\) takes True or False, got 'yes'"):
        model.train("yes")  # type: ignore[arg-type]


def test_zero_grad_set_to_none() -> None:
    net = Net()
    out = net([1.0, -1.0])
    out.backward()
    assert any(p.grad != 0.0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())
    net.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in net.parameters())


def test_repr_is_a_tree() -> None:
    class Small(Module):
        def __init__(self) -> None:
            self.body = Sequential(Linear(2, 4, seed=0), ReLU())
            self.head = Layer(4, 1, activation=None)
            self.extra = [Dropout(0.1)]

    assert repr(Small()) == (
        "Small(\n"
        "  (body): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=4, bias=True)\n"
        "    (1): ReLU()\n"
        "  )\n"
        "  (head): Layer(4, 1, activation=None)\n"
        "  (extra.0): Dropout(p=0.1)\n"
        ")"
    )
    assert repr(Sigmoid()) == "Sigmoid()"


def test_copy_and_pickle_keep_the_registry() -> None:
    net = Net()
    for twin in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert twin.state_dict() == net.state_dict()
        assert twin.parameters()[0] is not net.parameters()[0]


# -- state and files of any subclass ---------------------------------------------------


def test_state_dict_of_a_custom_net() -> None:
    a, b = Net(seed=0), Net(seed=5)
    assert a.state_dict() != b.state_dict()
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    x = [0.3, -0.7]
    assert b(x).data == a(x).data


def test_load_state_dict_is_validate_then_apply() -> None:
    # already right for Module; kept as a test. Every bad
    # state also holds good entries (99.0) that must not be applied.
    net = Net()
    before = net.state_dict()
    good = dict.fromkeys(before, 99.0)
    last = list(before)[-1]
    bad_states: list[Any] = [
        {**good, last: 10**400},
        {**good, last: "1.0"},
        {**good, last: True},
        {**good, last: [1.0]},
        {k: v for k, v in good.items() if k != last},
        {**good, "l9.b": 1.0},
        [1.0, 2.0],
        None,
    ]
    for bad in bad_states:
        with pytest.raises(ValueError):
            net.load_state_dict(bad)
        assert net.state_dict() == before


def test_load_state_dict_not_strict_reports_the_difference() -> None:
    net = Net()
    result = net.load_state_dict({"l2.neurons.0.b": 4.0, "other": 1.0}, strict=False)
    assert net.l2.neurons[0].b.data == 4.0
    assert result.unexpected_keys == ["other"]
    assert len(result.missing_keys) == 16 and "l1.neurons.0.w.0" in result.missing_keys


def test_a_custom_net_saves_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "net.json"
    Net(seed=3).save(path)
    twin = Net(seed=9)
    twin.load(path)
    assert twin.state_dict() == Net(seed=3).state_dict()
    with pytest.raises(
        ValueError, match=r"holds a 'Net', which load_model can not rebuild.*\.load"
    ):
        load_model(path)

    class Other(Net):
        pass

    with pytest.raises(ValueError, match="holds a Net"):
        Other().load(path)


# -- Linear --------------------------------------------------------------------------


def test_linear_is_an_affine_map_with_torchs_init() -> None:
    layer = Linear(50, 20, seed=1)
    bound = 1.0 / math.sqrt(50)
    values = [p.data for p in layer.parameters()]
    assert len(values) == 50 * 20 + 20
    assert max(abs(v) for v in values) <= bound
    assert max(abs(v) for v in values) > 0.9 * bound
    x = [random.Random(0).uniform(-1, 1) for _ in range(50)]
    out = layer(x)
    assert isinstance(out, list) and len(out) == 20
    for i, o in enumerate(out):
        # left fold from the bias, as dot() and micrograd's neuron
        expected = layer.bias[i].data  # type: ignore[index]
        for w, xi in zip(layer.weight[i], x, strict=True):
            expected += w.data * xi
        assert o.data == expected
    assert layer.predict_floats([x]) == [[o.data for o in out]]
    assert [n for n, _ in layer.named_parameters()][:2] == ["weight.0.0", "weight.0.1"]
    assert [n for n, _ in layer.named_parameters()][-1] == "bias.19"


def test_linear_without_bias_and_its_errors() -> None:
    layer = Linear(2, 3, bias=False, seed=0)
    assert layer.bias is None and len(layer.parameters()) == 6
    out = layer([1.0, 2.0])
    assert [o.data for o in out] == layer.forward_floats([1.0, 2.0])
    assert repr(layer) == "Linear(in_features=2, out_features=3, bias=False)"
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        layer([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="in_features must be a positive int, got 0"):
        Linear(0, 1)
    with pytest.raises(ValueError, match="bias must be True or False"):
        Linear(1, 1, bias=1)  # type: ignore[arg-type]


def test_linear_gradients() -> None:
    layer = Linear(2, 1, seed=0)
    x = [Value(0.5), Value(-2.0)]
    layer(x)[0].backward()
    assert [w.grad for w in layer.weight[0]] == [0.5, -2.0]
    assert layer.bias[0].grad == 1.0  # type: ignore[index]
    assert [xi.grad for xi in x] == [w.data for w in layer.weight[0]]


# -- activations and Sequential ---------------------------------------------------


@pytest.mark.parametrize(
    ("block", "fn"),
    [
        (ReLU(), lambda v: max(v, 0.0)),
        (Tanh(), math.tanh),
        (Sigmoid(), lambda v: 1.0 / (1.0 + math.exp(-v))),
    ],
    ids=["relu", "tanh", "sigmoid"],
)
def test_activation_blocks(block: Module, fn: Any) -> None:
    single = block(Value(0.7))
    assert isinstance(single, Value) and math.isclose(single.data, fn(0.7), rel_tol=1e-15)
    many = block([-1.0, 0.5, Value(2.0)])
    assert [
        math.isclose(v.data, fn(x), rel_tol=1e-15)
        for v, x in zip(many, [-1.0, 0.5, 2.0], strict=True)
    ] == [True] * 3


def test_sequential_as_torch() -> None:
    model = Sequential(Linear(2, 8, seed=0), ReLU(), Linear(8, 3, seed=1), Tanh())
    assert len(model) == 4 and isinstance(model[2], Linear)
    assert next(n for n, _ in model.named_parameters()) == "0.weight.0.0"
    rows = [[0.1, 0.2], [-1.5, 3.0], [2.0, -0.5]]
    assert model.predict_floats(rows) == [[v.data for v in model(r)] for r in rows]
    head = model[2:]
    assert isinstance(head, Sequential) and [n for n, _ in head.named_children()] == ["2", "3"]
    named = Sequential({"hidden": Linear(2, 2, seed=0), "act": Sigmoid()})
    assert next(n for n, _ in named.named_parameters()) == "hidden.weight.0.0"
    grown = Sequential(Linear(2, 2, seed=0)).append(ReLU())
    assert [n for n, _ in grown.named_children()] == ["0", "1"]


def test_sequential_hands_a_single_value_on_as_a_vector() -> None:
    model = Sequential(Neuron(2, seed=0), Linear(1, 2, seed=1))
    out = model([1.0, 1.0])
    assert isinstance(out, list) and len(out) == 2


def test_sequential_refuses_what_is_not_a_module() -> None:
    with pytest.raises(ValueError, match="Sequential takes Modules, got function"):
        Sequential(Linear(1, 1), lambda x: x)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"without '\.'"):
        Sequential({"a.b": ReLU()})


# -- Dropout ------------------------------------------------------------------------


def test_dropout_in_training_drops_and_scales() -> None:
    drop = Dropout(0.25, seed=1)
    xs = [Value(1.0) for _ in range(4000)]
    out = drop(xs)
    kept = [o.data for o in out if o.data != 0.0]
    assert set(kept) == {1.0 / 0.75}
    assert 0.72 < len(kept) / len(xs) < 0.78  # 4000 draws: 3 sigma is about 0.02
    total = sum(out[:100], Value(0.0))
    total.backward()
    for x, o in zip(xs[:100], out[:100], strict=True):
        assert x.grad == (0.0 if o.data == 0.0 else 1.0 / 0.75)


def test_dropout_is_reproducible_private_and_off_in_eval() -> None:
    state = random.getstate()
    a = [v.data for v in Dropout(0.5, seed=7)([1.0] * 50)]
    b = [v.data for v in Dropout(0.5, seed=7)([1.0] * 50)]
    assert a == b and random.getstate() == state
    drop = Dropout(0.5, seed=0).eval()
    xs = [Value(float(i)) for i in range(10)]
    assert drop(xs) == xs  # the same Values, untouched
    assert Dropout(0.0)(xs) == xs
    assert [v.data for v in Dropout(1.0)(xs)] == [0.0] * 10


def test_dropout_float_path_follows_the_mode() -> None:
    model = Sequential(Linear(2, 4, seed=0), Dropout(0.5, seed=0), Linear(4, 1, seed=1))
    assert model._float_steps() is None  # training: the fast path would ignore the mask
    model.eval()
    assert model._float_steps() is not None
    assert model.predict_floats([[1.0, 2.0]]) == [[v.data for v in model([1.0, 2.0])]]
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\], got 1.5"):
        Dropout(1.5)


def test_save_and_load_model_of_sequential(tmp_path: Path) -> None:
    model = Sequential(
        Linear(2, 4, seed=0), Tanh(), Dropout(0.2), Sequential(Linear(4, 2, seed=1), Sigmoid())
    )
    path = tmp_path / "seq.json"
    model.save(path)
    rebuilt = load_model(path)
    assert isinstance(rebuilt, Sequential)
    assert repr(rebuilt) == repr(model)
    assert rebuilt.state_dict() == model.state_dict()
    assert rebuilt.eval().predict_floats([[0.5, 0.5]]) == model.eval().predict_floats([[0.5, 0.5]])
    twin = Sequential(
        Linear(2, 4, seed=5), Tanh(), Dropout(0.2), Sequential(Linear(4, 2, seed=6), Sigmoid())
    )
    twin.load(path)
    assert twin.state_dict() == model.state_dict()


def test_generic_module_predict_floats_runs_forward_without_a_graph() -> None:
    net = Net()
    rows = [[0.5, -0.5], [2.0, 1.0]]
    assert net.predict_floats(rows) == [[net(r).data] for r in rows]
    assert net.outputs(rows[0])[0].data == net(rows[0]).data
    assert MLP(2, [3, 2], seed=0).outputs([1.0, 1.0])[1].op == "dot"
