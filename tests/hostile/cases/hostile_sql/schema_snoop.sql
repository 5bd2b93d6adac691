SELECT name AS SecondHighestSalary FROM sqlite_master;
