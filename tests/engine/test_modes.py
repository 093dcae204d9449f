"""Modes against Ctrl-C: an interrupt anywhere in ``no_grad``/``detect_anomaly`` heals.

The promise: a ``KeyboardInterrupt`` that lands while a mode block is being
entered or left may leave the mode switched only while the frame that
entered the block is still executing; after that, the next op,
``is_grad_enabled()``, ``no_grad()`` or ``detect_anomaly()`` sees the mode as
it was before. Two probes break it on purpose:

* fault injection: a trace function raises the interrupt at the k-th line,
  call or opcode event inside the mode code, for every k until a run goes
  through untouched (deterministic);
* a storm of real SIGINTs from another thread, bounded in count and time.

Each reports "N tried, M broke a promise" and asserts M == 0.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from tinygrad_lite.engine import Value, detect_anomaly, is_grad_enabled, modes, no_grad

_MODE_FILES = (modes.__file__, "contextlib.py")


def _promise_kept() -> str | None:
    """None when the thread is back in the default mode, else what is wrong."""
    if not is_grad_enabled():
        return "grad recording stayed off"
    x = Value(3.0)
    (x * x).backward()
    if x.grad != 6.0:
        return f"a graph was not recorded (x.grad = {x.grad})"
    try:
        Value(1.0) / 0.0
    except FloatingPointError:
        return "detect_anomaly stayed on"
    if modes.MODE.switches or modes.SWITCHED:
        return f"stale switches left: {modes.MODE.switches}, {modes.SWITCHED}"
    return None


class _Injected(KeyboardInterrupt):
    """The interrupt the trace function raises (a KeyboardInterrupt, as Ctrl-C's)."""


def _inject_at(target: int, opcodes: bool) -> Callable[..., Any]:
    """A trace function that raises at the ``target``-th event inside the mode code."""
    count = 0

    def in_mode_code(frame: FrameType) -> bool:
        return frame.f_code.co_filename.endswith(_MODE_FILES)

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event in ("line", "opcode", "call"):
            count += 1
            if count == target:
                raise _Injected
        return local

    def global_trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if not in_mode_code(frame):
            return None
        frame.f_trace_opcodes = opcodes
        count += 1  # the call event
        if count == target:
            raise _Injected
        return local

    return global_trace


def _blocks() -> dict[str, Callable[[], None]]:
    """Code paths that enter and leave modes, each in a frame of its own."""

    def plain() -> None:
        with no_grad():
            Value(1.0) * 2.0

    def nested() -> None:
        with detect_anomaly():
            with no_grad():
                Value(1.0) + 1.0
            Value(2.0) * 3.0

    @no_grad()
    def decorated() -> None:
        Value(1.0) * 2.0

    def anomaly() -> None:
        with detect_anomaly():
            Value(2.0).exp()

    return {"plain": plain, "nested": nested, "decorated": decorated, "anomaly": anomaly}


def _inject_everywhere(block: Callable[[], None], opcodes: bool, limit: int) -> tuple[int, int]:
    """Interrupt ``block`` at event 1, 2, ... until it runs through; (tried, broken)."""
    broken = 0
    for target in range(1, limit + 1):
        interrupted = False
        sys.settrace(_inject_at(target, opcodes))
        try:
            block()
        except _Injected:
            interrupted = True
        finally:
            sys.settrace(None)
        if not interrupted:
            assert target > 1, "the probe never reached the mode code"
            return target - 1, broken
        # the frame that entered the block has finished: the promise applies now
        if _promise_kept() is not None:
            broken += 1
    raise AssertionError(f"block still interrupted after {limit} events")


@pytest.mark.parametrize("opcodes", [False, True], ids=["lines", "opcodes"])
@pytest.mark.parametrize("name", sorted(_blocks()))
def test_an_interrupt_at_any_event_of_the_mode_code_heals(name: str, opcodes: bool) -> None:
    tried, broken = _inject_everywhere(_blocks()[name], opcodes, limit=2_000)
    print(f"{name}, {'opcode' if opcodes else 'line/call'} events: {tried} tried, {broken} broke")
    assert tried > 5
    assert broken == 0, f"{tried} tried, {broken} broke a promise"


def test_a_switch_stays_while_its_frame_runs_and_heals_when_it_returns() -> None:
    """An interrupt inside __enter__ that its own frame catches: off until that frame returns."""
    seen: list[bool] = []

    def enter_then_interrupted() -> None:
        switch = no_grad()
        switch.__enter__()  # as if Ctrl-C landed before the with block's body
        seen.append(is_grad_enabled())
        seen.append(Value(1.0) * 2.0 is not None)

    enter_then_interrupted()
    assert seen[0] is False  # the frame that entered is still running
    assert _promise_kept() is None  # it returned: healed


def test_modes_are_per_thread_and_the_fast_path_is_restored() -> None:
    inside: list[bool] = []
    release = threading.Event()
    entered = threading.Event()

    def other() -> None:
        with no_grad():
            entered.set()
            release.wait(5.0)
            inside.append(is_grad_enabled())

    thread = threading.Thread(target=other)
    thread.start()
    assert entered.wait(5.0)
    try:
        assert modes.SWITCHED  # another thread is in no_grad: ops check their own mode
        x = Value(2.0)
        (x * x).backward()
        assert x.grad == 4.0 and is_grad_enabled()
    finally:
        release.set()
        thread.join(5.0)
    assert inside == [False]
    assert modes.SWITCHED == []


def test_nested_and_reused_switches_restore_in_order() -> None:
    switch = no_grad()
    with switch:
        with switch:
            assert not is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()
    with detect_anomaly(), pytest.raises(FloatingPointError):
        Value(1.0) / 0.0
    assert math.isinf((Value(1.0) / 0.0).data)


def _storm(seconds: float, signals: int) -> tuple[int, int]:
    """Real SIGINTs from another thread while this one enters and leaves modes.

    The handler raises ``KeyboardInterrupt`` like Python's default one, but
    only while armed, and disarms itself: one interrupt per run of the mode
    blocks, landing wherever the signal happens to arrive inside them, while
    the probe's own bookkeeping runs undisturbed.
    """
    main = threading.get_ident()
    stop = threading.Event()
    armed = [False]
    sent = 0

    def handler(signum: int, frame: FrameType | None) -> None:
        if armed[0]:
            armed[0] = False
            raise KeyboardInterrupt

    def sender() -> None:
        nonlocal sent
        # NOTE: a fixed, irregular rhythm (not random) keeps the run repeatable
        gaps = [0.0007, 0.0013, 0.0002, 0.0031, 0.0005, 0.0011]
        while not stop.is_set() and sent < signals:
            time.sleep(gaps[sent % len(gaps)])
            signal.pthread_kill(main, signal.SIGINT)
            sent += 1

    blocks = list(_blocks().values())
    tried = broken = 0
    previous = signal.signal(signal.SIGINT, handler)
    thread = threading.Thread(target=sender, daemon=True)
    deadline = time.monotonic() + seconds
    thread.start()
    try:
        while time.monotonic() < deadline and thread.is_alive():
            try:
                armed[0] = True
                for block in blocks:
                    block()
                armed[0] = False
            except KeyboardInterrupt:
                tried += 1
                if _promise_kept() is not None:
                    broken += 1
    finally:
        armed[0] = False
        stop.set()
        thread.join(5.0)
        signal.signal(signal.SIGINT, previous)
    return tried, broken


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals")
def test_a_storm_of_real_signals_never_leaves_a_mode_switched() -> None:
    tried, broken = _storm(seconds=3.0, signals=300)
    print(f"signal storm: {tried} tried, {broken} broke a promise")
    assert tried > 10
    assert broken == 0


@pytest.mark.fuzz
def test_a_long_storm_of_real_signals() -> None:
    tried, broken = _storm(seconds=60.0, signals=20_000)
    print(f"long signal storm: {tried} tried, {broken} broke a promise")
    assert broken == 0
