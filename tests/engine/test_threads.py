"""Backward from several threads at once loses nothing.

Two threads each run 20,000 backward passes into one shared leaf; torch and
micrograd end at ``a.grad == 40000``; this engine used to end near 36,000.
The engine now holds one lock for every backward, sort and replay. Which
tests would fail without it, on CPython 3.11 with its GIL: the shared-nodes
test (two sorts overwrite each other's marks) and the ``create_graph`` one
(recording a node between reading and writing ``.grad``). The plain
one-leaf test, the issue's own reproduction, would pass even without the
lock there, because the generated kernels read, add and write a gradient
with no call in between, where the interpreter never switches threads; on
interpreters that do (free-threaded builds) it needs the lock too. The
switch interval is shortened so that the interpreter changes threads often.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from tinygrad_lite.engine import Value, gradients, topological_order
from tinygrad_lite.graph import Graph

PASSES = 20_000


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _in_threads(work: Callable[[], None], count: int = 2) -> None:
    start = threading.Barrier(count)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            work()
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120.0)
    assert not failures, failures


@pytest.mark.parametrize("attempt", range(20))
def test_two_threads_backward_into_one_leaf_lose_nothing(attempt: int) -> None:
    a = Value(1.0, "a")

    def work() -> None:
        for _ in range(PASSES):
            (a * 1.0).backward()

    _in_threads(work)
    assert a.grad == 2 * PASSES


def test_two_threads_create_graph_backward_into_one_leaf_lose_nothing() -> None:
    """With create_graph the accumulation records a node between reading and writing .grad."""
    a = Value(1.0, "a")
    passes = 3_000

    def work() -> None:
        for _ in range(passes):
            (a * a).backward(create_graph=True)

    _in_threads(work)
    assert isinstance(a.grad, Value)
    assert a.grad.data == 2 * passes * 2.0


def test_threads_sharing_intermediate_nodes_get_exact_gradients() -> None:
    """Shared intermediate nodes: each thread's sort and chain rule must not disturb the other's."""
    x = Value(0.5, "x")
    shared = (x * x).tanh() + x  # both threads walk these nodes
    heads = [shared * 2.0, shared * 3.0]
    rounds = 2_000

    def make_work(head: Value) -> Callable[[], None]:
        def work() -> None:
            for _ in range(rounds):
                head.backward()
                order = topological_order(head)
                assert order[-1] is head and len(order) == len(set(order))

        return work

    works = [make_work(head) for head in heads]
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def run(k: int) -> None:
        try:
            barrier.wait()
            works[k]()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120.0)
    assert not failures, failures
    one = Value(0.5)
    ((one * one).tanh() + one).backward()
    assert x.grad == pytest.approx(rounds * 5.0 * one.grad, rel=1e-12)


def test_compiled_replay_and_eager_backward_share_a_leaf() -> None:
    w = Value(2.0, "w")
    inp = Value(1.0, "in")
    graph = Graph(w * inp, [inp])
    passes = 5_000

    def compiled() -> None:
        for _ in range(passes):
            graph.forward([1.0])
            graph.backward()

    def eager() -> None:
        for _ in range(passes):
            (w * 1.0).backward()

    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def run(work: Callable[[], None]) -> None:
        try:
            barrier.wait()
            work()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(work,)) for work in (compiled, eager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120.0)
    assert not failures, failures
    assert w.grad == 2 * passes


def test_gradients_in_threads_never_disturb_each_other() -> None:
    """gradients() saves and restores .grad under the same lock: no thread sees another's."""
    x = Value(3.0, "x")
    y = x * x * x
    results: list[float] = []

    def work() -> None:
        for _ in range(2_000):
            (g,) = gradients(y, x)
            results.append(g)

    _in_threads(work)
    assert set(results) == {27.0}
    assert x.grad == 0.0
