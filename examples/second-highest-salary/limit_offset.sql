-- Correct: skip the highest distinct salary, take the next one. The scalar subquery is
-- NULL when there is no such row, so the outer SELECT always returns exactly one row.
SELECT IFNULL(
    (SELECT DISTINCT salary
     FROM Employee
     ORDER BY salary DESC
     LIMIT 1 OFFSET 1),
    NULL
) AS SecondHighestSalary;
