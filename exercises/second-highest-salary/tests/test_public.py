"""Public tests: the examples from README.md. Run `pytest` next to your solution.sql."""

import pytest

EXAMPLES = [
    ([(1, 100), (2, 200), (3, 300)], 200),
    ([(1, 100)], None),
]


@pytest.mark.parametrize(("rows", "expected"), EXAMPLES, ids=["example 1", "example 2"])
def test_example(run_query, rows, expected):
    """examples from the statement"""
    result = run_query(rows)
    shown = "NULL" if expected is None else expected
    assert len(result["rows"]) == 1, (
        f"on Employee {rows} the query returned {len(result['rows'])} rows; expected one "
        f"row holding {shown}"
    )
    assert result["rows"][0][0] == expected, (
        f"on Employee {rows} the query returned {result['rows'][0][0]!r}; expected {shown}"
    )


def test_column_name(run_query):
    """one row, one column named SecondHighestSalary"""
    columns = run_query(EXAMPLES[0][0])["columns"]
    assert columns == ["SecondHighestSalary"], (
        f"the result's columns are {columns}; expected exactly ['SecondHighestSalary']"
    )
