-- Bug: right whenever a second salary exists, but returns no row at all (instead of one
-- row holding NULL) when there is none.
SELECT DISTINCT salary AS SecondHighestSalary
FROM Employee
ORDER BY salary DESC
LIMIT 1 OFFSET 1;
