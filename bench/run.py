"""Benchmark: `grader grade` end to end against the same tests run with no isolation.

For each exercise and sandbox it times two commands, as a user would run them:

- the floor: plain pytest in one process, the hidden tests with `bench/floor/conftest.py`
  giving them the solution module itself as `submission`; for Docker inside one
  `docker run --rm` of the sandbox image, for local on the host;
- grader: `grader grade SOLUTION -e ID --sandbox docker|local`.

Repetitions of floor and grader alternate, in turn first and second (floor, grader, grader,
floor, ...), so that drift on a busy machine, and whatever the run before leaves behind,
hits both; the ratio is of medians measured in the same run.

    .venv/bin/python bench/run.py                    # 1 warm-up, 7 repetitions
    .venv/bin/python bench/run.py --tiny             # one repetition of two-sum, for CI
    .venv/bin/python bench/run.py --json bench.json  # also write the figures
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from machine import ROOT, describe_machine, grader_command, machine_info

FLOOR_CONFTEST = ROOT / "bench" / "floor" / "conftest.py"
DEFAULT_EXERCISES = ("two-sum", "num-islands", "tf-training-loop")
TINY_EXERCISE = "two-sum"
# Largest accepted ratio grader / floor, from the performance issue: it sets them for the
# DSA exercises; the others are measured without a target.
DSA_EXERCISES = ("two-sum", "stock-profit", "invert-tree", "max-depth", "num-islands")
TARGETS = {"docker": 1.30, "local": 1.15}
SANDBOXES = tuple(TARGETS)
RUN_TIMEOUT_S = 600
FLOOR_MOUNT = "/floor"
IGNORED = shutil.ignore_patterns("__pycache__", ".pytest_cache")
# The harness's own pytest options (grader/harness/run.py), so that both sides run the
# tests the same way and the difference is the isolation alone; only --tb differs, which
# matters when a test fails, and then the run is not timed anyway.
PYTEST_OPTIONS = [
    "-q",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:stepwise",
    "-p",
    "no:unraisableexception",
    "--assert=plain",
    "--import-mode=importlib",
    "-c",
    os.devnull,
    "--tb=short",
    "-o",
    "console_output_style=classic",
    "-W",
    "ignore::DeprecationWarning",
]

Check = Callable[[subprocess.CompletedProcess[str]], str | None]


class BenchError(Exception):
    """The benchmark cannot go on: a command failed or something is missing."""


@dataclass
class Scenario:
    """One command, timed from start to exit, and the check that it did its job."""

    name: str
    command: list[str]
    check: Check
    env: dict[str, str] | None = None
    samples: list[float] = field(default_factory=list)

    def run_once(self) -> float:
        started = time.perf_counter()
        try:
            result = subprocess.run(
                self.command,
                capture_output=True,
                text=True,
                env=self.env,
                timeout=RUN_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise BenchError(f"{self.name}: no answer within {RUN_TIMEOUT_S} s") from exc
        seconds = time.perf_counter() - started
        problem = self.check(result)
        if problem:
            tail = (result.stderr or result.stdout).strip()[-2000:]
            raise BenchError(f"{self.name}: {problem}\n$ {' '.join(self.command)}\n{tail}")
        return seconds

    def summary(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "samples_s": [round(s, 4) for s in self.samples],
            "median_s": round(statistics.median(self.samples), 4),
            "min_s": round(min(self.samples), 4),
            "max_s": round(max(self.samples), 4),
        }


@dataclass
class Comparison:
    """grader against its floor, for one exercise in one sandbox."""

    exercise: str
    sandbox: str
    target: float | None
    floor: Scenario
    grader: Scenario

    @property
    def label(self) -> str:
        return f"{self.exercise} {self.sandbox}"

    def ratio(self) -> float:
        return statistics.median(self.grader.samples) / statistics.median(self.floor.samples)

    def met(self) -> bool | None:
        return None if self.target is None else self.ratio() <= self.target


@dataclass(frozen=True)
class Unavailable:
    name: str
    reason: str


@dataclass(frozen=True)
class Failure:
    name: str
    reason: str


# -- checks --------------------------------------------------------------------------------
def pytest_passed(result: subprocess.CompletedProcess[str]) -> str | None:
    if result.returncode != 0:
        return f"pytest exited with {result.returncode}"
    if " passed" not in result.stdout:
        return "pytest ran no test"
    return None


def graded_full_marks(result: subprocess.CompletedProcess[str]) -> str | None:
    """The text report a user gets by default, run with `--min-score 100`: grader exits 1
    when the reference scores less."""
    score = next((line for line in result.stdout.splitlines() if line.startswith("Score:")), "")
    if result.returncode == 1:
        return f"the reference scored less than full marks ({score or 'no score line'})"
    if result.returncode != 0:
        return f"grader exited with {result.returncode}"
    if not score:
        return "grader printed no report"
    return None


# -- scenarios -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ExerciseFiles:
    id: str
    tests: Path
    reference: Path  # the reference folder; its solution.py when there is one
    submission: Path  # the reference solution, graded as a candidate's
    entry_point: str
    leetcode_method: str
    shared: Path | None  # hidden_tests/_shared: helpers several suites import

    @classmethod
    def find(cls, pack: Any, exercise_id: str) -> ExerciseFiles | None:
        try:
            exercise = pack.exercise(exercise_id)
        except Exception:  # noqa: BLE001 - an unknown exercise is simply not benchmarked
            return None
        suffix = ".sql" if exercise.kind == "sql" else ".py"
        submission = exercise.reference / f"solution{suffix}"
        if not submission.is_file():
            return None
        return cls(
            id=exercise.id,
            tests=exercise.hidden_tests,
            reference=exercise.reference,
            submission=submission,
            entry_point=exercise.entry_point or "",
            leetcode_method=exercise.leetcode_method or "",
            shared=shared
            if (shared := exercise.hidden_tests.parent / "_shared").is_dir()
            else None,
        )


PACK_FOLDERS = ("exercises", "hidden_tests", "reference", "assignments")


def snapshot_pack(staging: Path, exercise_ids: list[str]) -> tuple[Any, str]:
    """A private copy of the pack, so that edits made meanwhile cannot change a run.

    The whole pack when it loads (grader checks all of it on every run, so its size
    counts), else only the benchmarked exercises.
    """
    from grader.errors import GraderError
    from grader.pack import load_pack

    full = staging / "pack"
    for folder in PACK_FOLDERS:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, full / folder, ignore=IGNORED)
    try:
        pack = load_pack(full)
    except GraderError as exc:
        print(
            f"bench: the pack does not load ({str(exc).splitlines()[0]}); "
            "benchmarking with only the chosen exercises",
            file=sys.stderr,
        )
    else:
        return pack, f"full pack ({len(pack.exercises)} exercises)"
    only = staging / "pack-subset"
    for folder in PACK_FOLDERS[:3]:
        for exercise_id in exercise_ids:
            if (ROOT / folder / exercise_id).is_dir():
                shutil.copytree(
                    ROOT / folder / exercise_id, only / folder / exercise_id, ignore=IGNORED
                )
    return load_pack(only), "the benchmarked exercises only"


def floor_docker(files: ExerciseFiles, image: str) -> Scenario:
    """One `docker run --rm` of the sandbox image: pytest with the floor conftest."""
    submission = f"{FLOOR_MOUNT}/submission/{files.submission.name}"
    mounts = [
        (files.tests, f"{FLOOR_MOUNT}/tests"),
        (files.reference, f"{FLOOR_MOUNT}/reference"),
        (files.submission, submission),
        (FLOOR_CONFTEST, f"{FLOOR_MOUNT}/conftest.py"),
    ]
    if files.shared:
        mounts.append((files.shared, f"{FLOOR_MOUNT}/shared"))
    command = ["docker", "run", "--rm", "--network", "none"]
    for source, target in mounts:
        command += ["-v", f"{source}:{target}:ro"]
    for name, value in (
        ("GRADER_FLOOR_SUBMISSION", submission),
        ("GRADER_FLOOR_REFERENCE", f"{FLOOR_MOUNT}/reference/solution.py"),
        ("GRADER_FLOOR_TESTS", f"{FLOOR_MOUNT}/tests"),
        ("GRADER_FLOOR_SHARED", f"{FLOOR_MOUNT}/shared"),
        ("GRADER_FLOOR_ENTRY_POINT", files.entry_point),
        ("GRADER_FLOOR_LEETCODE_METHOD", files.leetcode_method),
    ):
        command += ["-e", f"{name}={value}"]
    command += [image, "python", "-m", "pytest", f"{FLOOR_MOUNT}/tests"]
    command += ["--rootdir", FLOOR_MOUNT, "--confcutdir", FLOOR_MOUNT, *PYTEST_OPTIONS]
    return Scenario(f"{files.id} docker floor", command, pytest_passed)


def floor_local(files: ExerciseFiles, staging: Path) -> Scenario:
    """Plain pytest on the host, the tests copied next to the floor conftest."""
    folder = staging / "floor" / files.id
    shutil.copytree(files.tests, folder / "tests", ignore=IGNORED)
    shutil.copy(FLOOR_CONFTEST, folder / "conftest.py")
    env = {
        **os.environ,
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # as in the sandbox image and the local harness
        "PYTHONDONTWRITEBYTECODE": "1",
        "GRADER_FLOOR_SUBMISSION": str(files.submission),
        "GRADER_FLOOR_REFERENCE": str(files.reference / "solution.py"),
        "GRADER_FLOOR_TESTS": str(folder / "tests"),
        "GRADER_FLOOR_SHARED": str(files.shared or folder / "shared"),
        "GRADER_FLOOR_ENTRY_POINT": files.entry_point,
        "GRADER_FLOOR_LEETCODE_METHOD": files.leetcode_method,
    }
    command = [sys.executable, "-m", "pytest", str(folder / "tests")]
    command += ["--rootdir", str(folder), "--confcutdir", str(folder), *PYTEST_OPTIONS]
    return Scenario(f"{files.id} local floor", command, pytest_passed, env=env)


def grader_grade(files: ExerciseFiles, pack_root: Path, sandbox: str) -> Scenario:
    command = [*grader_command(), "grade", str(files.submission), "-e", files.id]
    command += ["--pack", str(pack_root), "--sandbox", sandbox, "--min-score", "100"]
    return Scenario(f"{files.id} {sandbox} grader", command, graded_full_marks)


def exercise_comparisons(
    pack: Any, exercise_ids: list[str], sandboxes: list[str], image: str | None, staging: Path
) -> tuple[list[Comparison], list[Unavailable]]:
    comparisons: list[Comparison] = []
    unavailable: list[Unavailable] = []
    for exercise_id in exercise_ids:
        files = ExerciseFiles.find(pack, exercise_id)
        if files is None:
            unavailable.append(Unavailable(exercise_id, "not available yet (not in the pack)"))
            continue
        for sandbox in sandboxes:
            if sandbox == "docker":
                assert image is not None
                floor = floor_docker(files, image)
            else:
                floor = floor_local(files, staging)
            target = TARGETS[sandbox] if exercise_id in DSA_EXERCISES else None
            subject = grader_grade(files, pack.root, sandbox)
            comparisons.append(Comparison(exercise_id, sandbox, target, floor, subject))
    return comparisons, unavailable


def batch_comparisons() -> tuple[list[Comparison], list[Unavailable]]:
    """`grader batch` over a folder of submissions against the floor run once per submission."""
    import click

    from grader.cli.main import cli

    reason = (
        "not available yet (grader has no batch command)"
        if "batch" not in cli.list_commands(click.Context(cli))
        else "not available yet (the batch scenario is not written)"
    )
    return [], [Unavailable("grader batch", reason)]


# -- running -------------------------------------------------------------------------------
def build_image() -> str:
    """`grader image build`: reuses an up-to-date image, else builds one; prints its tag."""
    result = subprocess.run(
        [*grader_command(), "image", "build"],
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"grader image build failed:\n{result.stderr.strip()[-2000:]}")
    return result.stdout.strip().splitlines()[-1]


def run_rounds(comparisons: list[Comparison], warmup: int, repeat: int) -> list[Failure]:
    """Time every comparison, round by round; one that fails leaves and is reported."""
    failures: list[Failure] = []
    total = warmup + repeat
    for number in range(total):
        kind = "warm-up" if number < warmup else "repetition"
        print(f"  round {number + 1}/{total} ({kind})", file=sys.stderr, flush=True)
        for comparison in list(comparisons):
            pair = [comparison.floor, comparison.grader]
            order = pair if number % 2 == 0 else pair[::-1]
            try:
                timings = {id(s): s.run_once() for s in order}
            except BenchError as exc:
                print(f"bench: {exc}", file=sys.stderr)
                comparisons.remove(comparison)
                failures.append(Failure(comparison.label, str(exc).splitlines()[0]))
                continue
            if number >= warmup:
                for scenario in pair:
                    scenario.samples.append(timings[id(scenario)])
    return failures


def report_lines(comparisons: list[Comparison], unavailable: list[Unavailable]) -> list[str]:
    lines = []
    width = max((len(c.label) for c in comparisons), default=10)
    for comparison in comparisons:
        for role, scenario in (("floor", comparison.floor), ("grader", comparison.grader)):
            s = scenario.summary()
            lines.append(
                f"{comparison.label:<{width}}  {role:<6}  median {s['median_s']:7.3f} s"
                f"  (min-max {s['min_s']:.3f}-{s['max_s']:.3f} s, n={len(scenario.samples)})"
            )
        verdict = ""
        if comparison.target is not None:
            status = "met" if comparison.met() else "MISSED"
            verdict = f"  target <= {comparison.target:.2f}x: {status}"
        lines.append(f"{comparison.label:<{width}}  ratio   {comparison.ratio():.2f}x{verdict}")
    for item in unavailable:
        lines.append(f"{item.name:<{width}}  {item.reason}")
    return lines


def figures(
    machine: dict[str, Any],
    settings: dict[str, Any],
    comparisons: list[Comparison],
    unavailable: list[Unavailable],
) -> dict[str, Any]:
    return {
        "machine": machine,
        "settings": settings,
        "comparisons": [
            {
                "exercise": c.exercise,
                "sandbox": c.sandbox,
                "floor": c.floor.summary(),
                "grader": c.grader.summary(),
                "ratio": round(c.ratio(), 4),
                "target": c.target,
                "met": c.met(),
            }
            for c in comparisons
        ],
        "unavailable": [{"name": u.name, "reason": u.reason} for u in unavailable],
    }


@contextmanager
def staging_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        yield Path(tmp)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument(
        "-e",
        "--exercise",
        dest="exercises",
        action="append",
        help="exercise to run (repeatable; default: two-sum, num-islands, tf-training-loop)",
    )
    parser.add_argument(
        "--sandbox",
        dest="sandboxes",
        action="append",
        choices=SANDBOXES,
        help="sandbox to run (repeatable; default: both; local alone needs no Docker)",
    )
    parser.add_argument(
        "--tiny", action="store_true", help="one repetition of two-sum, no warm-up (for CI)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a ratio misses its target"
    )
    args = parser.parse_args(argv)
    if args.tiny:
        args.repeat, args.warmup, args.exercises = 1, 0, [TINY_EXERCISE]
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be at least 1 and --warmup at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    exercise_ids = args.exercises or list(DEFAULT_EXERCISES)
    sandboxes = [s for s in SANDBOXES if s in (args.sandboxes or SANDBOXES)]
    try:
        image = None
        if "docker" in sandboxes:
            print(
                "building the sandbox image (reused when up to date)", file=sys.stderr, flush=True
            )
            image = build_image()
        machine = machine_info(image)
        with staging_folder() as staging:
            pack, pack_note = snapshot_pack(staging, exercise_ids)
            comparisons, unavailable = exercise_comparisons(
                pack, exercise_ids, sandboxes, image, staging
            )
            more, missing = batch_comparisons()
            comparisons += more
            unavailable += missing
            if not comparisons:
                raise BenchError("nothing to run: " + "; ".join(u.reason for u in unavailable))
            print(
                f"running {len(comparisons)} comparisons: {args.warmup} warm-up round(s), "
                f"{args.repeat} timed",
                file=sys.stderr,
                flush=True,
            )
            failures = run_rounds(comparisons, args.warmup, args.repeat)
            machine["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 2
    header = [*describe_machine(machine), f"pack: {pack_note}"]
    for line in [*header, *report_lines(comparisons, unavailable)]:
        print(line)
    for failure in failures:
        print(f"{failure.name}  FAILED: {failure.reason}")
    settings = {
        "sandboxes": sandboxes,
        "repeat": args.repeat,
        "warmup": args.warmup,
        "exercises": exercise_ids,
        "pack": pack_note,
    }
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        document = figures(machine, settings, comparisons, unavailable)
        document["failed"] = [{"name": f.name, "reason": f.reason} for f in failures]
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    if failures or (args.check and any(c.met() is False for c in comparisons)):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
