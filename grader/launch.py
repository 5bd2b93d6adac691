"""The `grader` command's entry point.

A local grading waits mostly for its harness to import pytest. When the command line asks
for one, the harness is started here, before the command's own imports (click and grader's
modules, ~60 ms), which then run beside it. The arguments are only glanced at: the CLI
parses them, and a harness started on a wrong guess is stopped unused when the command exits.
From its first moment, a stop (SIGTERM, SIGHUP) ends the command as Ctrl-C does.
"""

from __future__ import annotations

import itertools
import sys


def main() -> None:
    from grader.interrupts import interrupt_on_stop_signals
    from grader.sandbox.forked import allow_forking

    allow_forking()  # the local sandbox's processes, from this process (grader.sandbox.forked)

    # stopped at any moment, the command cleans up (its harness, staging folders) and says so
    with interrupt_on_stop_signals():
        try:
            if asks_for_local_grading(sys.argv[1:]):
                from grader.sandbox.harness_process import start_early

                start_early()
            from grader.cli.main import main as run_cli

            run_cli()
        except KeyboardInterrupt:
            print("grader: interrupted", file=sys.stderr)
            sys.exit(130)


def asks_for_local_grading(args: list[str]) -> bool:
    """Whether `args` look like `grade … --sandbox local`, or like a `grade` whose sandbox
    (auto) will be local because no Docker daemon can answer (no help or version asked)."""
    if any(arg in ("-h", "--help", "--version") for arg in args):
        return False
    words = [arg for arg in args if not arg.startswith("-")]
    if not words or words[0] != "grade":
        return False
    chosen = "auto"  # the last one given counts, as for click
    for option, value in itertools.pairwise([*args, ""]):
        if option == "--sandbox" or option.startswith("--sandbox="):
            chosen = value if option == "--sandbox" else option.partition("=")[2]
    if chosen == "auto":
        from grader.sandbox import no_docker_here

        return no_docker_here()
    return chosen == "local"
