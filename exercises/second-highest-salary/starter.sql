-- Second Highest Salary: the statement is in README.md.
--
-- Replace the query below with yours: one SELECT (or WITH ... SELECT) on the table
-- Employee(id, salary), returning one row with one column named SecondHighestSalary.
-- Check it with `pytest` (the public tests in tests/), then grade it with
-- `grader grade solution.sql -e second-highest-salary`.

SELECT NULL AS SecondHighestSalary;
