"""Grade one hostile submission through the command line and check what must always hold.

Every case runs `python -m grader grade ... --sandbox docker --format json` in a child process
and `assert_invariants` checks, whatever the attack: exit 0 or 1; stdout exactly one valid
JSON report; status not `error`; a score no higher than honest answers could earn; no stray
file on the host; no container or volume left behind; a bounded peak memory of the grader's
own process; and candidate text rendered inert in the text and Markdown reports.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.models import Environment, Flag, Report, SubmissionInfo, TestResult
from grader.report import render
from grader.sandbox.docker import RUN_TAG_ENV, TAG_LABEL
from tests.conftest import FIXTURES, ROOT
from tests.contract import assert_valid_report

HOSTILE_PACK = FIXTURES / "packs" / "hostile"
CASES = Path(__file__).resolve().parent / "cases"
PEAK_RSS_MB = 300
GRADING_TIMEOUT_S = 600
# Names an attack writes, or a careless unpacker would create, outside the output folder.
STRAY = re.compile(
    r"^(hostile.*|report\.json|results\.json|fill-\d+|inner\.zip|bomb\.txt|conftest\.py)$"
)

# The grader's command line, plus a note of this process's peak memory at exit. VmHWM is
# per address space, so unlike getrusage it does not inherit the forking test runner's peak.
_PRELUDE = """
import atexit, os, runpy, sys

def _note_peak():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["HOSTILE_PEAK_FILE"], "w") as out:
        out.write(peak)

atexit.register(_note_peak)
sys.argv[0] = "grader"
runpy.run_module("grader", run_name="__main__", alter_sys=True)
"""


@dataclass
class Grading:
    """One run of the command line and everything observed around it."""

    args: list[str]
    returncode: int
    stdout: bytes
    stderr: bytes
    elapsed_s: float
    peak_rss_mb: float | None
    strays: list[str]
    leftovers: list[str]
    report: dict[str, Any] | None = None
    renders: dict[str, str] = field(default_factory=dict)
    to_files: bool = False  # every report went to an --output file

    def test(self, name: str) -> dict[str, Any]:
        assert self.report is not None
        for test in self.report["tests"]:
            if test["name"] == name:
                return test
        raise AssertionError(f"no test named {name!r} in {self.names()}")

    def names(self) -> list[str]:
        return [t["name"] for t in (self.report or {}).get("tests", [])]

    def flag_codes(self) -> set[str]:
        return {f["code"] for f in (self.report or {}).get("flags", [])}

    def flag_text(self) -> str:
        return " | ".join(f["message"] for f in (self.report or {}).get("flags", []))

    def summary(self) -> str:
        """A compact account of the run for assertion messages."""
        report = self.report or {}
        lines = [
            f"exit {self.returncode}, status {report.get('status')}, "
            f"score {report.get('score')}/{report.get('max_score')}, "
            f"peak {self.peak_rss_mb} MB, {self.elapsed_s:.1f} s",
            f"flags: {sorted(self.flag_codes())} {self.flag_text()[:300]}",
        ]
        lines += [
            f"  {t['outcome']:8} {t['name']}: {t['message'][:120]}" for t in report.get("tests", [])
        ]
        lines.append("stderr: " + self.stderr.decode("utf-8", "replace")[-800:])
        return "\n".join(lines)


def _top_level(folder: Path) -> set[str]:
    try:
        return {entry.name for entry in os.scandir(folder)}
    except OSError:
        return set()


def _everything(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _leftovers(docker_client: Any, tag: str) -> list[str]:
    label = f"{TAG_LABEL}={tag}"
    containers = docker_client.containers.list(all=True, filters={"label": label})
    volumes = docker_client.volumes.list(filters={"label": label})
    return [c.name for c in containers] + [v.name for v in volumes]


def grade_cli(
    submission: Path,
    exercise: str,
    *,
    pack: Path = HOSTILE_PACK,
    workdir: Path,
    docker_client: Any,
    formats: tuple[str, ...] = ("json",),
) -> Grading:
    """Run `grader grade` in a child process with private temp, working and output folders.

    With the single format "json" the report is read from stdout; with several, each goes to
    a file under out/ in the child's working folder (and stdout must stay empty).
    """
    tmp, cwd, notes = workdir / "tmp", workdir / "cwd", workdir / "notes"
    for folder in (tmp, cwd, notes):
        folder.mkdir(parents=True)
    tag = f"hostile-{uuid.uuid4().hex}"
    peak_file = notes / "peak"
    args = [
        "grade",
        str(submission),
        "-e",
        exercise,
        "--pack",
        str(pack),
        "--sandbox",
        "docker",
    ]
    outputs: dict[str, Path] = {}
    if formats == ("json",):
        args += ["--format", "json"]
    else:
        for fmt in formats:
            outputs[fmt] = cwd / "out" / f"report.{fmt}"
            args += ["--format", fmt, "--output", str(outputs[fmt])]
    env = {
        **os.environ,
        "TMPDIR": str(tmp),
        RUN_TAG_ENV: tag,
        "HOSTILE_PEAK_FILE": str(peak_file),
        "PYTHONPATH": str(ROOT),
    }
    watched = (Path("/tmp"), ROOT)
    before = {folder: _top_level(folder) for folder in watched}
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-c", _PRELUDE, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=GRADING_TIMEOUT_S,
        check=False,
    )
    elapsed = time.monotonic() - started
    strays = [
        f"{folder}/{name}"
        for folder in watched
        for name in sorted(_top_level(folder) - before[folder])
        if STRAY.match(name)
    ]
    strays += [f"$TMPDIR/{name}" for name in _everything(tmp)]
    strays += [f"cwd/{name}" for name in _everything(cwd) if not name.startswith("out")]
    peak = float(peak_file.read_text()) / 1024 if peak_file.exists() else None
    grading = Grading(
        args=args,
        returncode=process.returncode,
        stdout=process.stdout,
        stderr=process.stderr,
        elapsed_s=elapsed,
        peak_rss_mb=peak,
        strays=strays,
        leftovers=_leftovers(docker_client, tag),
    )
    if outputs:
        grading.to_files = True
        grading.renders = {
            fmt: path.read_text(encoding="utf-8") for fmt, path in outputs.items() if path.exists()
        }
        if "json" in grading.renders:
            grading.report = _one_json_document(grading.renders["json"].encode(), grading)
    elif process.stdout.strip():
        grading.report = _one_json_document(process.stdout, grading)
        report = report_from_dict(grading.report)
        grading.renders = {fmt: render(report, fmt) for fmt in ("text", "markdown")}
    return grading


def _one_json_document(stdout: bytes, grading: Grading) -> dict[str, Any]:
    text = stdout.decode("utf-8")
    decoder = json.JSONDecoder()
    try:
        data, end = decoder.raw_decode(text.lstrip())
    except json.JSONDecodeError as exc:
        raise AssertionError(
            f"stdout is not one JSON document ({exc}):\n{grading.summary()}"
        ) from None
    rest = text.lstrip()[end:].strip()
    assert rest == "", f"stdout holds more than one JSON document: {rest[:200]!r}"
    assert isinstance(data, dict), "the report is not a JSON object"
    return data


def report_from_dict(data: dict[str, Any]) -> Report:
    """The Report a JSON report was rendered from, to render it again in other formats."""
    submission = data["submission"]
    environment = data["environment"]
    return Report(
        exercise_id=data["exercise"]["id"],
        exercise_title=data["exercise"]["title"],
        exercise_version=data["exercise"]["version"],
        submission=SubmissionInfo(submission["path"], submission["sha256"], submission["kind"]),
        status=data["status"],
        score=data["score"],
        max_score=data["max_score"],
        tests=tuple(TestResult(**test) for test in data["tests"]),
        flags=tuple(Flag(**flag) for flag in data["flags"]),
        environment=Environment(
            sandbox=environment["sandbox"],
            image=environment["image"],
            grader_version=environment["grader_version"],
            confined=environment.get("confined", True),
        ),
        duration_s=data["duration_s"],
        exercises=tuple(data["exercises"]) if "exercises" in data else None,
    )


# -- inert candidate text --------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_GRADER_TAGS = re.compile(r"</?sub>")
_HTML_TAG = re.compile(r"<[A-Za-z/!?]")
_MD_LINK = re.compile(r"(?<!\\)\]\(|(?<!\\)!\[|https?://|www\.")
# Strings the hostile fixtures put in names and messages; none may survive verbatim.
PAYLOADS = (
    "<img",
    "<script",
    "<b>",
    "[click](http",
    "![pwn](",
    "](http://evil.example)",
    "\x1b",
)


def assert_inert(renders: dict[str, str]) -> None:
    """No terminal control in either report; no HTML, link or image in the Markdown one."""
    text, markdown = renders.get("text"), renders.get("markdown")
    for name, rendered in (("text", text), ("markdown", markdown)):
        if rendered is None:
            continue
        control = _CONTROL.search(rendered)
        assert control is None, f"{name} report holds control character {control.group()!r}"
    if markdown is not None:
        for payload in PAYLOADS:
            assert payload not in markdown, f"Markdown report holds {payload!r}"
        bare = _GRADER_TAGS.sub("", markdown)
        tag = _HTML_TAG.search(bare)
        assert tag is None, f"Markdown holds an HTML tag near {bare[tag.start() :][:40]!r}"
        link = _MD_LINK.search(bare)
        assert link is None, (
            f"Markdown holds a link or image near {bare[link.start() - 20 : link.start() + 40]!r}"
        )


# -- the invariants -------------------------------------------------------------------------


def assert_invariants(grading: Grading, *, ceiling: float) -> None:
    """What must hold for every submission, however hostile. `ceiling` is the score honest
    answers to the same tests could earn at most."""
    context = grading.summary()
    assert grading.returncode in (0, 1), f"exit code {grading.returncode}:\n{context}"
    if grading.to_files:
        assert grading.stdout == b"", "stdout must stay empty when every report goes to a file"
    assert grading.report is not None, f"no report:\n{context}"
    assert_valid_report(grading.report)
    assert grading.report["status"] != "error", f"status error:\n{context}"
    score = grading.report["score"]
    assert score <= ceiling + 1e-9, f"score {score} above the honest ceiling {ceiling}:\n{context}"
    assert grading.strays == [], f"files appeared on the host: {grading.strays}"
    assert grading.leftovers == [], f"Docker objects left behind: {grading.leftovers}"
    assert grading.peak_rss_mb is not None, f"the grader's peak memory was not noted:\n{context}"
    assert grading.peak_rss_mb < PEAK_RSS_MB, (
        f"the grader's own process peaked at {grading.peak_rss_mb:.0f} MB:\n{context}"
    )
    assert_inert(grading.renders)
