PRAGMA table_info(Employee);
