-- The honest control: the reference query.
-- The largest salary below the maximum. MAX over no rows is NULL, and an aggregate
-- without GROUP BY always returns one row, so a table without a second distinct salary
-- (empty, one row, all equal, only NULLs) yields one row holding NULL. Comparisons with
-- NULL are never true, so NULL salaries are ignored. Two scans of the table: O(n).
SELECT MAX(salary) AS SecondHighestSalary
FROM Employee
WHERE salary < (SELECT MAX(salary) FROM Employee);
