-- Correct on small tables, but for every employee it counts the distinct salaries above
-- theirs: O(n^2), far too slow for 10^4 employees.
SELECT (
    SELECT DISTINCT salary
    FROM Employee e1
    WHERE 1 = (SELECT COUNT(DISTINCT salary) FROM Employee e2 WHERE e2.salary > e1.salary)
) AS SecondHighestSalary;
