/* Correct: the highest salary strictly below the highest one.
   An aggregate without GROUP BY returns one row even when no salary qualifies. */
select max(salary) as SecondHighestSalary
from Employee
where salary < (select max(salary) from Employee)
