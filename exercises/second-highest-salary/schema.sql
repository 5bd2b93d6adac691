-- The table your query reads. The grader builds it, fills it and runs your query on it.
CREATE TABLE Employee (
    id INTEGER PRIMARY KEY,
    salary INTEGER
);
