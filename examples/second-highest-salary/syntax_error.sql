-- Rejected (syntax-error): a comma before FROM.
SELECT MAX(salary) AS SecondHighestSalary,
FROM Employee
WHERE salary < (SELECT MAX(salary) FROM Employee);
