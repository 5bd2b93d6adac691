ATTACH DATABASE '/grading/tests/stolen.db' AS stolen;
