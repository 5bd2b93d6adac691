-- Correct: rank the distinct salaries with a window function and pick rank 2.
WITH ranked AS (
    SELECT salary, DENSE_RANK() OVER (ORDER BY salary DESC) AS salary_rank
    FROM Employee
    WHERE salary IS NOT NULL
)
SELECT (SELECT DISTINCT salary FROM ranked WHERE salary_rank = 2) AS SecondHighestSalary;
