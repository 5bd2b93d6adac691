-- Rejected (bad-sql): a query left over from exploring the data, before the answer.
SELECT * FROM Employee;

SELECT MAX(salary) AS SecondHighestSalary
FROM Employee
WHERE salary < (SELECT MAX(salary) FROM Employee);
