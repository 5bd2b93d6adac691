"""The pytest plugin of the harness: fixtures, markers, outcomes and messages.

It runs in the harness process, which never imports the candidate's code.
Messages follow the feedback policy: a hidden test that is not marked
`reveal` shows only its author's assertion message, never values.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from grader.harness import testing
from grader.harness.client import (
    FORBIDDEN_IMPORT_ERROR,
    CandidateError,
    ImportFailed,
    ProtocolViolation,
    SubmissionModule,
    WorkerClient,
    WorkerCrashed,
    WorkerProblem,
    WorkerTimeout,
)

MESSAGE_LIMIT = 300
PYTEST_OUTCOME_TYPES = {
    "Skipped": "pytest.skip()",
    "Exit": "pytest.exit()",
    "Failed": "pytest.fail()",
    "XFailed": "pytest.xfail()",
}
SELF_DESCRIBING = {
    FORBIDDEN_IMPORT_ERROR,
    "RecursionError",
    "MemoryError",
    "ZeroDivisionError",
    "StaleObject",
    "Unencodable",
}


@dataclass
class TestRecord:
    id: str
    name: str
    max_points: float
    outcome: str = "passed"
    message: str = ""
    duration_s: float = 0.0
    error_kind: str = ""  # candidate exception type, for flags


def candidate_error_message(error: CandidateError, reveal: bool) -> str:
    kind = error.type_name
    where = f" ({error.where})" if error.where else ""
    if kind == "SystemExit":
        return f"your code called sys.exit(){where}"
    if kind in PYTEST_OUTCOME_TYPES:
        return f"your code called {PYTEST_OUTCOME_TYPES[kind]}{where}, which counts as a failure"
    if kind == "KeyboardInterrupt":
        return f"your code raised KeyboardInterrupt{where}"
    if kind == "RecursionError":
        return (
            f"your code raised RecursionError{where}: it recursed deeper than Python's "
            "default limit of 1000 calls; an iterative version avoids this"
        )
    if kind == "Unencodable":
        return f"your code returned a value that cannot be sent back for checking: {error.message}"
    if kind == "AttributeError" and error.message.startswith("your module does not define"):
        return error.message
    if reveal or kind in SELF_DESCRIBING:
        detail = f": {error.message}" if error.message else ""
        return f"your code raised {kind}{detail}{where}"
    return f"your code raised {kind}{where}"


def describe_failure(exc: BaseException, reveal: bool) -> str:
    if isinstance(exc, CandidateError):
        return candidate_error_message(exc, reveal)
    if isinstance(exc, ImportFailed):
        if exc.error is not None:
            return f"{exc}: " + candidate_error_message(exc.error, reveal=True)
        return str(exc)
    if isinstance(exc, WorkerProblem):
        return str(exc)
    if isinstance(exc, AssertionError):
        text = str(exc).strip()
        if not text:
            return "wrong answer" + ("" if reveal else " on a hidden input")
        return text
    if reveal:
        return f"could not check your result: {type(exc).__name__}: {exc}"
    return f"could not check your result ({type(exc).__name__})"


def test_name(item: pytest.Item) -> str:
    function = getattr(item, "function", None)
    doc = (getattr(function, "__doc__", None) or "").strip()
    base = doc.splitlines()[0].strip() if doc else item.name.split("[")[0].removeprefix("test_")
    base = base.replace("_", " ") if not doc else base
    params = item.name[len(item.name.split("[")[0]) :]
    return f"{base} {params}" if params else base


class GraderPlugin:
    def __init__(
        self,
        client: WorkerClient,
        *,
        reference: Path | None,
        default_limit_s: float,
        total_limit_s: float,
        tests_root: Path,
        forbidden_found: list[str] | None = None,
    ) -> None:
        self.client = client
        self.forbidden_found = list(forbidden_found or [])
        self.total_limit_s = total_limit_s
        self.total_deadline = time.monotonic() + total_limit_s
        self.reference_path = reference
        self.default_limit_s = default_limit_s
        self.tests_root = tests_root
        self.records: dict[str, TestRecord] = {}
        self.collection_errors: list[str] = []
        self._reference: ModuleType | None = None
        self._reference_error: Exception | None = None
        self.collected_at = 0.0
        self.test_flags: list[dict[str, str]] = []

    # -- configuration -------------------------------------------------------------
    def pytest_configure(self, config: pytest.Config) -> None:
        testing.connect_flags(self.add_flag)
        config.addinivalue_line("markers", "points(n): points the test is worth (default 1)")
        config.addinivalue_line("markers", "reveal: the test may show its inputs in messages")
        config.addinivalue_line("markers", "time_limit(seconds): per-test time limit")

    @pytest.fixture(scope="session")
    def submission(self) -> SubmissionModule:
        return SubmissionModule(self.client)

    @pytest.fixture(scope="session")
    def reference(self) -> ModuleType:
        if self.reference_path is None:
            pytest.fail("this exercise has no Python reference solution")
        if self._reference is None and self._reference_error is None:
            self._load_reference()
        if self._reference_error is not None:
            raise self._reference_error
        assert self._reference is not None
        return self._reference

    def _load_reference(self) -> None:
        try:
            assert self.reference_path is not None
            spec = importlib.util.spec_from_file_location("grader_reference", self.reference_path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self._reference = module
        except Exception as exc:  # noqa: BLE001 - the tests that use it fail with it
            self._reference_error = exc

    def add_flag(self, code: str, message: str) -> None:
        entry = {"code": str(code)[:40], "message": str(message)[:MESSAGE_LIMIT]}
        if entry not in self.test_flags:
            self.test_flags.append(entry)

    @pytest.fixture(scope="session")
    def report_flag(self) -> Any:
        """`report_flag(code, message)`: attach a flag to the report, whatever the outcome."""
        return self.add_flag

    @pytest.fixture(scope="session")
    def forbidden_imports_found(self) -> list[str]:
        """Forbidden imports the host found by reading the submission ("file, line N imports x")."""
        return list(self.forbidden_found)

    @pytest.fixture(scope="session")
    def probe(self, submission: SubmissionModule) -> Any:
        """`probe(name, func, *args)`: run probes/<name>.py's func(module, *args) in the worker."""
        sources: dict[str, str] = {}

        def call(name: str, func: str, *args: Any, **kwargs: Any) -> Any:
            if name not in sources:
                sources[name] = (self.tests_root / "probes" / f"{name}.py").read_text()
            return submission.probe(name, sources[name], func, *args, **kwargs)

        return call

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.collected_at = time.time()
        if self.reference_path is not None and any(
            "reference" in getattr(item, "fixturenames", ()) for item in session.items
        ):
            # While the worker starts: a reference that imports TensorFlow costs seconds,
            # which the first test would otherwise add after waiting for the worker.
            self._load_reference()

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker("points")
            points = float(marker.args[0]) if marker and marker.args else 1.0
            self.records[item.nodeid] = TestRecord(
                id=item.nodeid, name=test_name(item), max_points=points
            )

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

    # -- running -------------------------------------------------------------------
    def _limit(self, item: pytest.Item) -> float:
        marker = item.get_closest_marker("time_limit")
        return float(marker.args[0]) if marker and marker.args else self.default_limit_s

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if time.monotonic() >= self.total_deadline:
            raise WorkerTimeout(
                f"not run: the exercise's total time limit of {self.total_limit_s:g} s was used up"
            )
        self.client.ensure_worker()
        self.client.test_epoch += 1
        limit = self._limit(item)
        self.client.time_limit_s = limit
        self.client.deadline = min(time.monotonic() + limit, self.total_deadline)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        self.client.deadline = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        outcome = yield
        report = outcome.get_result()
        record = self.records.get(item.nodeid)
        if record is None:
            return
        record.duration_s += report.duration
        reveal = item.get_closest_marker("reveal") is not None
        if report.skipped and call.when in ("setup", "call") and record.outcome == "passed":
            record.outcome = "skipped"
            record.message = "skipped by the exercise"
            return
        if not report.failed or record.outcome not in ("passed", "skipped"):
            return
        exc = call.excinfo.value if call.excinfo is not None else None
        if exc is None:
            record.outcome, record.message = "error", "the test failed to run"
            return
        record.message = _clip(describe_failure(exc, reveal))
        if isinstance(exc, CandidateError):
            record.error_kind = exc.type_name
            if exc.errno is not None:
                record.error_kind += f":{exc.errno}"
        if isinstance(exc, WorkerTimeout):
            record.outcome = "timeout"
        elif isinstance(exc, WorkerCrashed | ProtocolViolation):
            record.outcome = "crashed"
            if isinstance(exc, WorkerCrashed) and exc.oom:
                record.error_kind = "MemoryError"
        elif isinstance(exc, ImportFailed):
            record.outcome = "failed"
            record.error_kind = "ImportFailed"
        elif call.when == "call" or isinstance(exc, CandidateError):
            record.outcome = "failed"
        else:
            # a fixture or teardown of the pack failed: the grader's fault, not the candidate's
            record.outcome = "error"
            record.message = "the grader could not run this test"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"
