CREATE TABLE running (
  id INTEGER PRIMARY KEY,
  k TEXT NOT NULL,
  v INTEGER
);
INSERT INTO running VALUES (1, 'a', NULL);
INSERT INTO running VALUES (2, 'b', NULL);
INSERT INTO running VALUES (3, 'b', NULL);
INSERT INTO running VALUES (4, 'c', 5);
INSERT INTO running VALUES (5, 'd', NULL);
INSERT INTO running VALUES (6, 'a', NULL);
INSERT INTO running VALUES (7, 'e', -3);
INSERT INTO running VALUES (8, 'c', 2);
