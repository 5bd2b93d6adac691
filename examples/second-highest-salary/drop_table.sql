-- Rejected (bad-sql): not a query; the answer may only read the database.
DROP TABLE Employee;
