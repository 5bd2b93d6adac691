"""Where the time of one `grader grade` goes, step by step.

Replays the real command with timers, without changing grader: a child process runs
grader's own CLI (`grade SOLUTION -e ID --sandbox docker|local`) with timing wrappers
around the functions it calls and around every Docker SDK call, and swaps the harness's
and the supervisor's commands for copies that mark their progress (bench/inside/). All
marks are Unix times, so host, harness and worker line up on one timeline.

    .venv/bin/python bench/profile_grade.py                      # docker, two-sum, 5 runs
    .venv/bin/python bench/profile_grade.py --sandbox local -e num-islands --repeat 9
    .venv/bin/python bench/profile_grade.py --json profile.json

It also measures, outside a grading: the host's import time (`-X importtime`), the
start-up of bare containers and the import times of harness, supervisor and worker.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from inside import MARK_PREFIX, source
from machine import ROOT, describe_machine, grader_command, machine_info
from run import SANDBOXES, ExerciseFiles, graded_full_marks, snapshot_pack

Event = tuple[str, float, float]  # name, start, end (equal for a mark)
CHILD_FLAG = "--child"


# -- the child: grader's CLI with timers ----------------------------------------------------
class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.lock = threading.Lock()

    def add(self, name: str, start: float, end: float) -> None:
        with self.lock:
            self.events.append((name, start, end))

    def mark(self, name: str) -> None:
        now = time.time()
        self.add(name, now, now)

    @contextmanager
    def span(self, name: str) -> Any:
        start = time.time()
        try:
            yield
        finally:
            self.add(name, start, time.time())

    def wrap(self, name: str, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.span(name):
                return function(*args, **kwargs)

        return timed

    def add_marks(self, lines: list[str]) -> None:
        for line in lines:
            # pytest's progress dots may precede a mark on its line
            _, who, *words, stamp = line[line.index(MARK_PREFIX) :].split()
            self.add(f"{who}: {' '.join(words)}", float(stamp), float(stamp))


RECORDER = Recorder()
TIMERS = {"grader.harness.run": "harness", "grader.harness.supervisor": "supervisor"}


class TimedEngine:
    """grader's Docker engine with every call timed, labelled by the container's role."""

    VERBS = {"remove_container": "remove", "start": "start", "wait": "wait", "logs": "logs"}

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self._roles: dict[str, str] = {}

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._engine, name)
        if name.startswith("_") or not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            if name == "create_container":
                args = (args[0], _with_marks(args[1]))
                label = "docker: containers.create"
            elif name == "create_volume":
                label = "docker: volumes.create"
            elif name == "remove_volume":
                label = f"docker: volume {args[0].rsplit('-', 1)[-1]}.remove"
            elif name in self.VERBS or name == "put_archive":
                role = self._roles.get(args[0], "container")
                label = f"docker: {role}.{self.VERBS.get(name, name)}"
                if name == "remove_container":
                    _keep_container_record(self._engine, args[0], role)
            else:
                label = f"docker: client.{name}"
            start = time.time()
            result = value(*args, **kwargs)
            RECORDER.add(label, start, time.time())
            if name == "create_container":
                self._roles[result] = args[0].rsplit("-", 1)[-1]
            return result

        return call


def _with_marks(config: dict[str, Any]) -> dict[str, Any]:
    """The container's command swapped for its marking copy (bench/inside/)."""
    command = list(config["Cmd"])
    if "-m" not in command:
        return config
    flags = command[1 : command.index("-m")]
    module = command[len(flags) + 2]
    if module not in TIMERS:
        return config
    rest = command[len(flags) + 3 :]
    return {**config, "Cmd": ["python", *flags, "-c", source(TIMERS[module]), *rest]}


def _keep_container_record(engine: Any, container: str, role: str) -> None:
    """Before removal, untimed: the container's marks and its start and finish times."""
    try:
        state = engine._call("GET", f"/containers/{container}/json").get("State", {})
        stderr = engine.logs(container, "stderr", 1 << 24).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the run goes on without this container's marks
        return
    RECORDER.add_marks([line for line in stderr.splitlines() if MARK_PREFIX in line])
    for key in ("started", "finished"):
        stamp = _docker_time(state.get(key.capitalize() + "At"))
        if stamp is not None:
            RECORDER.add(f"{role}: container {key} (docker)", stamp, stamp)


def _docker_time(text: str | None) -> float | None:
    """Docker's RFC 3339 timestamps (nanoseconds, 'Z') as Unix time."""
    if not text or text.startswith("0001"):
        return None
    from datetime import datetime

    whole, _, fraction = text.rstrip("Z").partition(".")
    base = datetime.fromisoformat(whole + "+00:00").timestamp()
    return base + float("0." + (fraction or "0"))


def _patch(module: Any, attribute: str, label: str) -> None:
    # grader changes under the profile: what no longer exists is simply not timed
    if hasattr(module, attribute):
        setattr(module, attribute, RECORDER.wrap(label, getattr(module, attribute)))


def run_child(events_path: Path, submission: str, exercise_id: str, pack: str, sandbox: str) -> int:
    RECORDER.mark("host: python ready")
    marks = events_path.with_suffix(".marks")
    if sandbox == "local":
        # what grader.launch does for a local grading, before the CLI's imports; the
        # harness and the supervisor forked from this process run the marking copies
        import grader.sandbox.forked
        import grader.sandbox.harness_process

        run_module = grader.sandbox.forked.run_module

        def run_marking_copy(module: str, args: list[str]) -> None:
            if module not in TIMERS:
                run_module(module, args)
                return
            sys.argv = [module, "--marks", str(marks), *args]
            code = compile(source(TIMERS[module]), TIMERS[module], "exec")
            exec(code, {"__name__": "__main__"})  # noqa: S102

        grader.sandbox.forked.allow_forking()
        if not grader.sandbox.forked.forkable():
            print("profile: this process cannot fork the harness as grader does", file=sys.stderr)
            return 1
        grader.sandbox.forked.run_module = run_marking_copy
        with RECORDER.span(EARLY_START):
            grader.sandbox.harness_process.start_early()
    with RECORDER.span("host: import grader.cli.main"):
        from grader.cli.main import cli
    with RECORDER.span("host: import grader.grading, grader.sandbox"):
        import grader.grading
        import grader.sandbox
    with RECORDER.span(f"host: import the {sandbox} sandbox"):
        if sandbox == "docker":
            import grader.sandbox.docker
            import grader.sandbox.engine
            import grader.sandbox.image
        else:
            import grader.sandbox.local
    import grader.cli.grade

    if sandbox == "docker":
        real_connect = grader.sandbox.engine.connect_engine

        def connect(*args: Any, **kwargs: Any) -> Any:
            with RECORDER.span("host: docker client (socket probe, from_env, ping)"):
                return TimedEngine(real_connect(*args, **kwargs))

        grader.sandbox.engine.connect_engine = connect
        _patch(grader.sandbox.image, "inputs_hash", "host: image inputs hash")
        _patch(grader.sandbox.docker, "find_image", "host: image lookup")
        _patch(grader.sandbox.docker, "_tar", "host: tar")
        _patch(grader.sandbox.docker, "_tree_entries", "host: tar (read files)")
        _patch(grader.sandbox.docker.DockerSandbox, "run", "host: sandbox run")
    else:
        _patch(grader.sandbox.local, "_start_supervisor", "host: start the supervisor process")
        _patch(grader.sandbox.local.LocalSandbox, "_wait", "host: wait for the harness")
        _patch(grader.sandbox.local, "stop_supervisor", "host: stop the supervisor")
        _patch(grader.sandbox.local.LocalSandbox, "run", "host: sandbox run")
    _patch(grader.cli.grade, "open_pack", "host: load pack")
    _patch(grader.cli.grade, "_write", "host: render report")
    _patch(grader.sandbox, "select_sandbox", "host: select sandbox")
    _patch(grader.grading, "grade", "host: grade()")
    _patch(grader.grading, "stage_submission", "host: stage submission")
    _patch(grader.grading, "graded_report", "host: score report")
    arguments = ["grade", submission, "-e", exercise_id, "--pack", pack, "--sandbox", sandbox]
    arguments += ["--min-score", "100"]
    code = 0
    with RECORDER.span("host: CLI"):
        try:
            # without standalone mode, click returns the code of a ctx.exit() instead
            returned = cli.main(arguments, prog_name="grader", standalone_mode=False)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:
            code = returned if isinstance(returned, int) else 0
    RECORDER.mark("host: CLI returned")
    if marks.exists():
        RECORDER.add_marks(marks.read_text().splitlines())
    events_path.write_text(json.dumps({"code": code, "events": RECORDER.events}))
    return code


# -- the parent: runs, timelines, steps -----------------------------------------------------
def one_profile(exercise_id: str, sandbox: str, pack: Path, submission: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="grader-profile-") as tmp:
        events_path = Path(tmp) / "events.json"
        command = [sys.executable, __file__, CHILD_FLAG, str(events_path)]
        command += [str(submission), exercise_id, str(pack), sandbox]
        spawned = time.time()
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        exited = time.time()
        problem = graded_full_marks(result)
        if problem or not events_path.exists():
            raise SystemExit(f"the profiled grading failed: {problem}\n{result.stderr[-3000:]}")
        recorded = json.loads(events_path.read_text())
    events = [(name, start - spawned, end - spawned) for name, start, end in recorded["events"]]
    events.append(("host: process exit", exited - spawned, exited - spawned))
    return {"total_s": exited - spawned, "events": events}


def when(events: list[Event], name: str, edge: str = "start", which: str = "first") -> float | None:
    """When the first (or last) event called `name` started (or ended); None if it never did."""
    times = [start if edge == "start" else end for n, start, end in events if n == name]
    if not times:
        return None
    return min(times) if which == "first" else max(times)


# The critical path of one grading as milestones in the order they happen: each step is
# the time from the previous milestone to its own, so the steps add up to the total.
# A milestone the run lacks (the other sandbox's) folds into the next step.
# (step, event, edge, first or last occurrence)
MILESTONES = [
    ("host: interpreter start-up (+ the profiler's imports)", "host: python ready", "start", ""),
    ("host: import grader.cli.main", "host: import grader.cli.main", "end", ""),
    (
        "host: import grader.grading, grader.sandbox",
        "host: import grader.grading, grader.sandbox",
        "end",
        "",
    ),
    (
        "host: import grader.sandbox.docker and its engine",
        "host: import the docker sandbox",
        "end",
        "",
    ),
    ("host: import grader.sandbox.local", "host: import the local sandbox", "end", ""),
    ("host: click, load pack", "host: select sandbox", "start", ""),
    (
        "host: select sandbox (docker: socket probe, from_env, ping)",
        "host: select sandbox",
        "end",
        "",
    ),
    ("host: image lookup (inputs hash, images.list)", "host: image lookup", "end", ""),
    ("local: start the harness ahead (prestart)", "host: start the harness process", "end", ""),
    ("host: stage submission", "host: stage submission", "end", ""),
    ("docker: volume create", "docker: volumes.create", "end", "last"),
    ("docker: containers create (side by side)", "docker: containers.create", "end", "last"),
    ("docker: copy in (put_archive x2), worker start sent", "docker: harness.start", "start", ""),
    ("docker: harness start() call", "docker: harness.start", "end", ""),
    (
        "local: send the config, start the supervisor",
        "host: start the supervisor process",
        "end",
        "",
    ),
    ("harness: python start", "harness: python ready", "start", ""),
    ("harness: import grader.harness", "harness: grader imported", "start", ""),
    ("harness: bind the socket", "harness: socket listening", "start", ""),
    ("harness: import pytest", "harness: pytest imported", "start", ""),
    ("harness: pytest start-up (config, plugins)", "harness: pytest session start", "start", ""),
    ("harness: collection", "harness: collected", "start", ""),
    ("harness: waiting for the worker", "tests can start", "start", ""),
    ("harness: the tests themselves", "harness: tests done", "start", ""),
    ("harness: results written", "harness: results written", "start", ""),
    ("harness: interpreter exit, container stop", "harness: container finished (docker)", "", ""),
    ("docker: wait() returns", "docker: harness.wait", "end", ""),
    ("docker: result read-out (logs)", "docker: harness.logs", "end", "last"),
    ("docker: teardown: remove containers x2", "containers removed", "start", ""),
    ("docker: teardown: remove volumes x2", "volumes removed", "start", ""),
    ("local: harness exit, output read", "host: wait for the harness", "end", ""),
    (
        "host: sandbox returns (local: stop the supervisor, clean up)",
        "host: sandbox run",
        "end",
        "",
    ),
    ("host: score, render the report", "host: CLI returned", "start", ""),
    ("host: interpreter exit", "host: process exit", "start", ""),
]


def derived_events(events: list[Event]) -> list[Event]:
    """Milestones made of several events."""
    out = list(events)
    first_test = when(events, "harness: first test start")
    ready = when(events, "harness: worker ready")
    if first_test is not None and ready is not None:
        out.append(("tests can start", max(first_test, ready), max(first_test, ready)))
    for name, kinds in (
        ("containers removed", ("docker: harness.remove", "docker: worker.remove")),
        ("volumes removed", ("docker: volume channel.remove", "docker: volume grading.remove")),
    ):
        ends = [end for n, _, end in events if n in kinds]
        if ends:
            out.append((name, max(ends), max(ends)))
    return out


# When grader.launch starts a local harness before the CLI's imports, the harness is the
# critical path from there on, and the host's work runs beside it.
EARLY_START = "host: start the harness process"
HOST_BESIDE_STEPS = {
    "host: import grader.cli.main",
    "host: import grader.grading, grader.sandbox",
    "host: import grader.sandbox.local",
    "host: click, load pack",
    "host: select sandbox (docker: socket probe, from_env, ping)",
    "local: start the harness ahead (prestart)",
    "host: stage submission",
    "local: send the config, start the supervisor",
    "harness: bind the socket",
}
HOST_BESIDE_SPANS = [
    ("host: import grader.cli.main", "host: import grader.cli.main"),
    ("host: import grader.grading, grader.sandbox", "host: import grader.grading, grader.sandbox"),
    ("host: import grader.sandbox.local", "host: import the local sandbox"),
    ("host: load pack", "host: load pack"),
    ("host: stage submission", "host: stage submission"),
    ("local: send the config, start the supervisor", "host: start the supervisor process"),
]


def started_early(events: list[Event]) -> bool:
    early = when(events, EARLY_START)
    cli = when(events, "host: import grader.cli.main")
    return early is not None and cli is not None and early < cli


def milestones(events: list[Event]) -> list[tuple[str, str, str, str]]:
    if not started_early(events):
        return MILESTONES
    kept = [m for m in MILESTONES if m[0] not in HOST_BESIDE_STEPS]
    launch = ("local: start the harness first (grader.launch)", EARLY_START, "end", "")
    return [kept[0], launch, *kept[1:]]


def host_beside_steps(events: list[Event]) -> list[tuple[str, float | None]]:
    """The host's own work while a harness started first imports pytest."""
    if not started_early(events):
        return []
    rows: list[tuple[str, float | None]] = []
    for step, name in HOST_BESIDE_SPANS:
        start, end = when(events, name), when(events, name, "end")
        rows.append((step, None if start is None or end is None else end - start))
    return rows


def steps(events: list[Event]) -> list[tuple[str, float | None]]:
    """(step, seconds or None when the run lacks it) along the milestones."""
    events = derived_events(events)
    rows: list[tuple[str, float | None]] = []
    previous = 0.0
    for step, name, edge, which in milestones(events):
        moment = when(events, name, edge or "start", which or "first")
        if moment is None:
            rows.append((step, None))
            continue
        rows.append((step, moment - previous))
        previous = moment
    return rows


WORKER_CHAIN = [
    # (step, from event, its edge, to event; "end" means the end of the from event)
    ("worker: docker start() call", "docker: worker.start", "start", "end"),
    ("worker: python start", "docker: worker.start", "end", "worker: python ready"),
    ("worker: python start", "host: start the supervisor process", "start", "worker: python ready"),
    ("worker: import supervisor", "worker: python ready", "", "worker: supervisor imported"),
    ("worker: stage submission", "worker: supervisor imported", "", "worker: connecting"),
    ("worker: waiting for the harness socket", "worker: connecting", "", "worker: connected"),
    ("worker: spawn request", "worker: connected", "", "worker: spawn requested"),
    (
        "worker: start the worker process, hand its channel over",
        "worker: spawn requested",
        "",
        "worker: worker channel handed over",
    ),
]


def worker_steps(events: list[Event]) -> list[tuple[str, float | None]]:
    """The supervisor's and worker's own start, which runs beside the harness's."""
    rows: list[tuple[str, float | None]] = []
    for step, since, edge, until in WORKER_CHAIN:
        start = when(events, since, edge or "start")
        end = when(events, since, "end") if until == "end" else when(events, until)
        rows.append((step, None if start is None or end is None else end - start))
    return rows


def timeline(events: list[Event]) -> list[str]:
    lines = []
    for name, start, end in sorted(events, key=lambda e: (e[1], e[2])):
        duration = f"{(end - start) * 1000:7.1f} ms" if end > start else " " * 10
        lines.append(f"  {start * 1000:8.1f} ms  {duration}  {name}")
    return lines


def median_table(
    rows_per_run: list[list[tuple[str, float | None]]],
) -> list[tuple[str, float, float]]:
    """(step, median, spread) over runs, in order, leaving out steps no run had."""
    table = []
    for index, (name, _) in enumerate(rows_per_run[0]):
        values = [rows[index][1] for rows in rows_per_run if rows[index][1] is not None]
        if values:
            table.append((name, statistics.median(values), max(values) - min(values)))
    return table


def print_table(title: str, table: list[tuple[str, float, float]]) -> None:
    print(f"\n{title}")
    for name, median, spread in table:
        print(f"  {median * 1000:7.1f} ms  (±{spread * 500:5.1f})  {name}")


# -- outside a grading ----------------------------------------------------------------------
def wall(command: list[str], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def import_times(command: list[str], limit: int = 10) -> tuple[float, list[tuple[str, float]]]:
    """Total of `-X importtime` and the heaviest modules one or two levels below the root."""
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    total = 0.0
    rows: list[tuple[str, float]] = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if not cumulative.strip().isdigit():
            continue
        seconds = int(cumulative) / 1e6
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        if depth == 0:
            total += seconds
        elif depth <= 2:
            rows.append(("  " * (depth - 1) + name.strip(), seconds))
    return total, sorted(rows, key=lambda row: -row[1])[:limit]


def startup_costs(image: str | None, repeat: int) -> dict[str, Any]:
    python = sys.executable
    in_image = ["docker", "run", "--rm", "--network", "none", image] if image else None
    walls = {
        "host: python -c pass": [python, "-c", "pass"],
        "host: python -c 'import grader.cli.main'": [python, "-c", "import grader.cli.main"],
        "host: grader --version": [*grader_command(), "--version"],
        "host: python -c 'import docker'": [python, "-c", "import docker"],
        "host: python -c 'import pytest'": [python, "-c", "import pytest"],
    }
    where = {"host": [python]}
    if in_image:
        walls.update(
            {
                "docker run --rm IMAGE true": [*in_image, "true"],
                "docker run --rm IMAGE python -c pass": [*in_image, "python", "-c", "pass"],
                "docker run --rm IMAGE python -c 'import pytest'": [
                    *in_image,
                    "python",
                    "-c",
                    "import pytest",
                ],
            }
        )
        where["image"] = [*in_image, "python"]
    imports = {
        "host: import grader.cli.main": import_times(
            [python, "-X", "importtime", "-c", "import grader.cli.main"]
        )
    }
    for place, prefix in where.items():
        for module in ("grader.harness.run", "grader.harness.supervisor", "grader.harness.worker"):
            imports[f"{place}: import {module}"] = import_times(
                [*prefix, "-X", "importtime", "-c", f"import {module}"]
            )
    return {
        "wall_s": {name: wall(command, repeat) for name, command in walls.items()},
        "imports": imports,
    }


def build_image() -> str:
    result = subprocess.run(
        [*grader_command(), "image", "build"], capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-e", "--exercise", default="two-sum")
    parser.add_argument("--sandbox", choices=SANDBOXES, default="docker")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--no-startup", action="store_true", help="skip the measurements outside a grading"
    )
    args = parser.parse_args(argv)
    image = build_image() if args.sandbox == "docker" else None
    with tempfile.TemporaryDirectory(prefix="grader-profile-") as tmp:
        pack, _ = snapshot_pack(Path(tmp), [args.exercise])
        files = ExerciseFiles.find(pack, args.exercise)
        if files is None:
            parser.error(f"{args.exercise}: not in the pack")

        def profile() -> dict[str, Any]:
            return one_profile(args.exercise, args.sandbox, pack.root, files.submission)

        profile()  # warm-up: page cache, image layers
        runs = [profile() for _ in range(args.repeat)]
    submission = ROOT / "reference" / args.exercise / files.submission.name
    machine = machine_info(image)
    for line in describe_machine(machine):
        print(line)
    totals = [run["total_s"] for run in runs]
    typical = sorted(runs, key=lambda run: run["total_s"])[len(runs) // 2]
    print(
        f"\n`grader grade {submission.relative_to(ROOT)} -e {args.exercise} --sandbox "
        f"{args.sandbox}` (replayed): median {statistics.median(totals) * 1000:.0f} ms over "
        f"{len(runs)} runs (min {min(totals) * 1000:.0f}, max {max(totals) * 1000:.0f})"
    )
    print("\ntimeline of the median run (ms since the process was spawned):")
    for line in timeline(typical["events"]):
        print(line)
    critical = median_table([steps(run["events"]) for run in runs])
    print_table("critical path, medians over runs (± half the spread):", critical)
    beside = median_table([worker_steps(run["events"]) for run in runs])
    print_table("supervisor and worker, beside the harness:", beside)
    host_beside = median_table([host_beside_steps(run["events"]) for run in runs])
    if host_beside:
        print_table("host, beside the harness started first:", host_beside)
    startup: dict[str, Any] = {}
    if not args.no_startup:
        startup = startup_costs(image, max(3, args.repeat))
        print("\nstart-up costs outside a grading (median wall time):")
        for name, seconds in startup["wall_s"].items():
            print(f"  {seconds * 1000:7.1f} ms  {name}")
        for name, (summed, heaviest) in startup["imports"].items():
            print(f"\n{name}: {summed * 1000:.1f} ms (-X importtime), heaviest below it:")
            for module, seconds in heaviest:
                print(f"  {seconds * 1000:7.1f} ms  {module}")
    if args.json is not None:
        document = {
            "machine": machine,
            "exercise": args.exercise,
            "sandbox": args.sandbox,
            "totals_s": totals,
            "critical_path_s": critical,
            "beside_s": beside,
            "runs": runs,
            "startup": startup,
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == CHILD_FLAG:
        from grader.cli.main import _exit_now  # how the real CLI leaves (no teardown)

        _exit_now(run_child(Path(sys.argv[2]), *sys.argv[3:7]))
    sys.exit(main())
