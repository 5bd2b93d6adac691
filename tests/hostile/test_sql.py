"""Hostile SQL for the second-highest-salary exercise of the shipped pack.

Anything but one SELECT is refused at intake as `bad-sql`. A SELECT that reaches for what the
read-only connection's authorizer denies (extensions, files, the schema), runs forever or
asks for gigabytes fails the tests it runs in, and the grading still ends in a report.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.hostile import builders
from tests.hostile.conftest import Case, Expect, case_params, run_case

POINTS = 10.0
REFUSED = Expect(ceiling=0, status="rejected", score=0, flags=frozenset({"bad-sql"}))
NOTHING = Expect(ceiling=0, score=0)
# Only the test of the result's shape (one row, one column named SecondHighestSalary) passes.
SHAPE_ONLY = Expect(ceiling=1, score=1)


def _sql(variant: str, expect: Expect) -> Case:
    return Case(
        "hostile_sql",
        expect,
        builders.sql_file(variant),
        exercise="second-highest-salary",
        pack=ROOT,
        variant=variant,
    )


CASES = [
    _sql("honest", Expect(ceiling=POINTS, score=POINTS)),
    *[_sql(variant, REFUSED) for variant in ("two_statements", "attach", "pragma", "delete")],
    # an unknown function fails the syntax check at intake
    _sql(
        "readfile", Expect(ceiling=0, status="rejected", score=0, flags=frozenset({"syntax-error"}))
    ),
    *[_sql(variant, NOTHING) for variant in ("load_extension", "endless", "memory")],
    # table names are no secret; the comment hides nothing from the one-statement check
    *[_sql(variant, SHAPE_ONLY) for variant in ("schema_snoop", "comment_smuggle")],
]


@pytest.mark.parametrize("case", case_params(CASES))
def test_hostile_query_is_refused_or_fails_its_tests(graded, case):
    run_case(graded, case)
