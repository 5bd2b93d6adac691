-- Bug: without DISTINCT, a highest salary held by two employees is also "the second".
SELECT IFNULL(
    (SELECT salary FROM Employee ORDER BY salary DESC LIMIT 1 OFFSET 1),
    NULL
) AS SecondHighestSalary;
