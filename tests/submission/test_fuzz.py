"""No input bytes make intake fail with anything but a rejection (or a staged submission)."""

import io
import json
import random
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader.models import StagedSubmission
from grader.submission import SubmissionRejected, stage_submission

from .builders import TWO_SUM, make_exercise

EXERCISES = [make_exercise(), make_exercise("sql", None, None)]


def _outcome(path: Path, dest_root: Path, counter: list[int]) -> None:
    for exercise in EXERCISES:
        counter[0] += 1
        dest = dest_root / f"d{counter[0]}"
        dest.mkdir()
        try:
            result = stage_submission(path, exercise, dest)
        except SubmissionRejected as exc:
            assert exc.flag.message and all(ch.isprintable() for ch in exc.flag.message)
            assert list(dest.iterdir()) == []
        else:
            assert isinstance(result, StagedSubmission)


def _valid_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("proj/solution.py", TWO_SUM * 5)
        zf.writestr("proj/lib/util.py", "X = 1\n" * 20)
        zf.writestr("proj/q.sql", "SELECT 1;\n")
        zf.writestr("proj/data.csv", "a,b\n" * 50)
    return buf.getvalue()


def _valid_notebook() -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# title"),
        nbformat.v4.new_code_cell("%matplotlib inline\n!ls\n" + TWO_SUM),
        nbformat.v4.new_code_cell("x = (1,\n%2)\n"),
    ]
    return nbformat.writes(nb).encode()


def _mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        pos = rng.randrange(len(out) or 1)
        if choice < 0.5 and out:
            out[pos] = rng.randrange(256)
        elif choice < 0.75:
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        else:
            del out[pos : pos + rng.randint(1, 16)]
    return bytes(out)


@pytest.mark.parametrize("suffix", [".zip", ".ipynb", ".py", ".sql"])
def test_random_bytes(tmp_path: Path, suffix: str):
    rng = random.Random(f"random-{suffix}")
    counter = [0]
    for i in range(60):
        path = tmp_path / f"sub{i}{suffix}"
        path.write_bytes(rng.randbytes(rng.choice([0, 1, 7, 64, 512, 4096])))
        _outcome(path, tmp_path, counter)


@pytest.mark.parametrize(("suffix", "make"), [(".zip", _valid_zip), (".ipynb", _valid_notebook)])
def test_mutated_valid_submissions(tmp_path: Path, suffix: str, make):
    rng = random.Random(f"mutate-{suffix}")
    base = make()
    counter = [0]
    for i in range(150):
        path = tmp_path / f"sub{i}{suffix}"
        path.write_bytes(_mutate(rng, base))
        _outcome(path, tmp_path, counter)


def _random_json(rng: random.Random, depth: int = 0):
    kinds = ["str", "int", "list", "dict", "null", "bool", "code"]
    kind = rng.choice(kinds if depth < 4 else kinds[:2])
    if kind == "str":
        return rng.choice(["", "code", "markdown", "%%bash", "!ls", "x = 1", "\x00", "def"])
    if kind == "int":
        return rng.choice([0, 4, 5, -1, 2**70])
    if kind == "list":
        return [_random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if kind == "dict":
        keys = ["cells", "cell_type", "source", "metadata", "nbformat", "outputs", "id"]
        return {rng.choice(keys): _random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    if kind == "code":
        return {"cell_type": "code", "source": _random_json(rng, depth + 1), "metadata": {}}
    return None if kind == "null" else rng.random() < 0.5


def test_random_notebook_structures(tmp_path: Path):
    rng = random.Random("json")
    counter = [0]
    for i in range(150):
        doc = {
            "nbformat": rng.choice([3, 4, 4, 4, "4", None]),
            "nbformat_minor": rng.choice([0, 2, 5, None]),
            "metadata": _random_json(rng),
            "cells": _random_json(rng),
        }
        path = tmp_path / f"nb{i}.ipynb"
        path.write_text(json.dumps(doc))
        _outcome(path, tmp_path, counter)


def test_random_magic_soup(tmp_path: Path):
    rng = random.Random("magic")
    pieces = [
        "%time",
        "%%bash",
        "!ls",
        "x = !ls",
        "?x",
        "x?",
        "'''",
        '"',
        "(",
        ")",
        "\\",
        "#",
        "def two_sum(a, b):",
        "    pass",
        "    !echo",
        "x = 1",
        "",
        "\t",
        "%",
        "!",
    ]
    counter = [0]
    for i in range(150):
        cells = [
            nbformat.v4.new_code_cell(
                "\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
            )
            for _ in range(rng.randint(1, 4))
        ]
        nb = nbformat.v4.new_notebook()
        nb.cells = cells
        path = tmp_path / f"soup{i}.ipynb"
        path.write_text(nbformat.writes(nb))
        _outcome(path, tmp_path, counter)
