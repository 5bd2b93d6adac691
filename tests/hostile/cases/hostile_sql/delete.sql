DELETE FROM Employee;
