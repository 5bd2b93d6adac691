"""The benchmark runs end to end on its tiny setting (bench/run.py --tiny)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.conftest import ROOT

RATIO_LINE = re.compile(r"^two-sum (docker|local) +ratio +\d+\.\d\dx", re.MULTILINE)


def test_tiny_benchmark_prints_ratios(sandbox_image, tmp_path):
    """Needs Docker: fails in CI without it, skips on a laptop (the sandbox_image fixture)."""
    figures = tmp_path / "bench.json"
    started = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--tiny", "--json", str(figures)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert started.returncode == 0, started.stderr[-3000:]
    assert sorted(RATIO_LINE.findall(started.stdout)) == ["docker", "local"], started.stdout
    assert "machine:" in started.stdout
    document = json.loads(figures.read_text())
    assert {(c["exercise"], c["sandbox"]) for c in document["comparisons"]} == {
        ("two-sum", "docker"),
        ("two-sum", "local"),
    }
    for comparison in document["comparisons"]:
        assert comparison["ratio"] > 0
        assert len(comparison["floor"]["samples_s"]) == len(comparison["grader"]["samples_s"]) == 1
