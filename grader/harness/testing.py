"""Helpers for hidden-test authors: timing the candidate against the reference.

Hidden tests run in the harness, so everything here measures from the harness side:
a call to ``submission.f(...)`` includes the trip to the worker and back (encoding the
arguments, the socket, decoding the result). The reference runs in the harness itself,
with no such trip. ``check_speed`` therefore judges with a generous factor *and* an
absolute floor, so transport overhead and a noisy machine never fail a sound solution,
while a wrong complexity class (O(n^2) where O(n) is expected) still fails by orders of
magnitude.

Typical use in a hidden test::

    from grader.harness.testing import check_speed, time_best, time_call

    _, ref_s = time_best(reference.two_sum, nums, target)
    got, cand_s = time_call(submission.two_sum, nums, target)
    assert is_answer(got), "wrong answer on a hidden input with 10^5 numbers"
    check_speed(cand_s, ref_s, size="n = 10^5", expected="O(n)")

Pure Python and the standard library only: this module is imported inside the sandbox.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = [
    "check_speed",
    "raised_type_name",
    "speed_limit",
    "time_best",
    "time_call",
]

T = TypeVar("T")


def time_call(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> tuple[T, float]:
    """Call ``fn(*args, **kwargs)`` once; return its result and the wall time in seconds.

    Exceptions propagate unchanged (a candidate's exception stays a ``CandidateError``).
    """
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def time_best(
    fn: Callable[..., T], /, *args: Any, repeat: int = 3, **kwargs: Any
) -> tuple[T, float]:
    """Call ``fn`` ``repeat`` times; return the last result and the fastest time.

    Meant for the reference (cheap and trusted): the minimum of a few runs is the
    stablest baseline on a busy machine. ``fn`` must not mutate its arguments.
    """
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, not {repeat}")
    best = math.inf
    result: T
    for _ in range(repeat):
        result, seconds = time_call(fn, *args, **kwargs)
        best = min(best, seconds)
    return result, best


def speed_limit(reference_s: float, *, factor: float = 10.0, floor_s: float = 0.25) -> float:
    """The most time a candidate may take: ``max(floor_s, factor * reference_s)``."""
    if factor <= 0 or floor_s < 0 or reference_s < 0:
        raise ValueError(
            f"need factor > 0, floor_s >= 0, reference_s >= 0; "
            f"got factor={factor}, floor_s={floor_s}, reference_s={reference_s}"
        )
    return max(floor_s, factor * reference_s)


def check_speed(
    candidate_s: float,
    reference_s: float,
    *,
    size: str,
    expected: str,
    factor: float = 10.0,
    floor_s: float = 0.25,
) -> None:
    """Fail the test when the candidate was much slower than the reference.

    Raises ``AssertionError`` when ``candidate_s > max(floor_s, factor * reference_s)``,
    with a candidate-facing message such as
    ``"about 40x slower than expected on n = 10^5 (took 1.20 s); expected O(n)"``.
    ``size`` describes the input without revealing it ("n = 10^5", "a 300x300 grid");
    ``expected`` names the complexity the exercise asks for.
    """
    limit = speed_limit(reference_s, factor=factor, floor_s=floor_s)
    if candidate_s <= limit:
        return
    message = (
        f"{_slower(candidate_s, reference_s)} than expected on {size} "
        f"(took {candidate_s:.2f} s); expected {expected}"
    )
    raise_flag(TOO_SLOW, message)
    raise AssertionError(message)


TOO_SLOW = "too-slow"
_flag_sink: Callable[[str, str], None] | None = None


def connect_flags(sink: Callable[[str, str], None] | None) -> None:
    """Where `raise_flag` sends flags: the harness plugin connects its `report_flag`."""
    global _flag_sink
    _flag_sink = sink


def raise_flag(code: str, message: str) -> None:
    """Attach a flag to the report from a helper that has no `report_flag` fixture at hand."""
    if _flag_sink is not None:
        _flag_sink(code, message)


def raised_type_name(exc: BaseException) -> str:
    """The name of the exception the candidate's code raised.

    A call through the ``submission`` fixture raises ``grader.harness.CandidateError``
    whose ``type_name`` is the candidate's exception class name ("RecursionError");
    anything else (e.g. a module imported in-process by a test author's local conftest)
    is named by its own class.
    """
    name = getattr(exc, "type_name", None)
    return name if isinstance(name, str) and name else type(exc).__name__


def _slower(candidate_s: float, reference_s: float) -> str:
    if reference_s <= 0:
        return "far slower"
    ratio = candidate_s / reference_s
    return f"about {_round_ratio(ratio)}x slower"


def _round_ratio(ratio: float) -> str:
    """Two significant figures, with thousands separators: 3.4, 40, 1,300."""
    if ratio < 10:
        return f"{ratio:.1f}"
    digits = math.floor(math.log10(ratio)) - 1
    rounded = round(ratio, -digits)
    return f"{int(rounded):,}"
