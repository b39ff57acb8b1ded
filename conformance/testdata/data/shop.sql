CREATE TABLE sales (
  id INTEGER PRIMARY KEY,
  territory TEXT NOT NULL,
  customer_id INTEGER NOT NULL,
  customer TEXT NOT NULL,
  product TEXT NOT NULL,
  amount DECIMAL(10,2),
  quantity INTEGER NOT NULL,
  sale_date DATE NOT NULL
);
INSERT INTO sales VALUES (1, 'North', 1, 'Acme Corp', 'Widget', 120.50, 3, '2024-01-05');
INSERT INTO sales VALUES (2, 'South', 2, 'Smith, Jones & Co', 'Gadget', 75.25, 2, '2024-01-07');
INSERT INTO sales VALUES (3, 'East', 3, 'Zoë Larsen', 'Widget', 19.99, 10, '2024-01-09');
INSERT INTO sales VALUES (4, 'North', 4, 'Müller GmbH', '12" Ruler', 5.00, 100, '2024-01-15');
INSERT INTO sales VALUES (5, 'West', 5, '東京商事', 'Gadget', 250.00, 1, '2024-01-20');
INSERT INTO sales VALUES (6, 'North', 1, 'Acme Corp', 'Gadget', NULL, 4, '2024-02-01');
INSERT INTO sales VALUES (7, 'South', 6, 'O''Brien Ltd', 'Widget', 0.00, 5, '2024-02-03');
INSERT INTO sales VALUES (8, 'East', 3, 'Zoë Larsen', 'Gizmo', -19.99, 1, '2024-02-11');
INSERT INTO sales VALUES (9, 'West', 7, 'Ñandú SA', 'Widget', 33.33, 3, '2024-02-14');
INSERT INTO sales VALUES (10, 'North', 2, 'Smith, Jones & Co', 'Gizmo', 1000.10, 2, '2024-02-29');
INSERT INTO sales VALUES (11, 'South', 2, 'Smith, Jones & Co', 'Widget', 45.45, 0, '2024-03-03');
INSERT INTO sales VALUES (12, 'East', 8, 'Élan Vital', 'Gadget', 99.99, 7, '2024-03-10');
INSERT INTO sales VALUES (13, 'West', 5, '東京商事', 'Gizmo', 12.34, 12, '2024-03-15');
INSERT INTO sales VALUES (14, 'North', 4, 'Müller GmbH', 'Widget', NULL, 2, '2024-03-31');
INSERT INTO sales VALUES (15, 'South', 6, 'O''Brien Ltd', 'Gadget', 88.88, 1, '2024-04-01');
INSERT INTO sales VALUES (16, 'East', 9, 'Ghost Buyer', 'Widget', 10.00, 1, '2024-04-04');
INSERT INTO sales VALUES (17, 'West', 7, 'Ñandú SA', 'Gadget', 98765432.10, 1, '2024-04-15');
INSERT INTO sales VALUES (18, 'North', 1, 'Acme Corp', 'Gizmo', 0.01, 1, '2024-05-01');
INSERT INTO sales VALUES (19, 'South', 2, 'Smith, Jones & Co', 'Gadget', -5.50, 2, '2024-05-05');
INSERT INTO sales VALUES (20, 'East', 3, 'Zoë Larsen', 'Widget', 19.99, 3, '2024-05-20');
INSERT INTO sales VALUES (21, 'North', 4, 'Müller GmbH', 'Gadget', 64.00, 6, '2024-06-01');
INSERT INTO sales VALUES (22, 'West', 5, '東京商事', 'Widget', 7.77, 7, '2024-06-06');
INSERT INTO sales VALUES (23, 'South', 6, 'O''Brien Ltd', 'Gizmo', NULL, 3, '2024-06-10');
INSERT INTO sales VALUES (24, 'East', 8, 'Élan Vital', 'Gizmo', 150.00, 2, '2024-06-30');
INSERT INTO sales VALUES (25, 'North', 1, 'Acme Corp', 'Widget', 120.50, 1, '2024-07-04');
INSERT INTO sales VALUES (26, 'West', 7, 'Ñandú SA', 'Widget', 42.00, 4, '2024-07-14');
INSERT INTO sales VALUES (27, 'South', 2, 'Smith, Jones & Co', 'Widget', 300.00, 1, '2024-08-01');
INSERT INTO sales VALUES (28, 'East', 3, 'Zoë Larsen', 'Gadget', 55.55, 5, '2024-08-15');
INSERT INTO sales VALUES (29, 'North', 2, 'Smith, Jones & Co', 'Widget', 11.11, 9, '2024-09-09');
INSERT INTO sales VALUES (30, 'West', 5, '東京商事', 'Gadget', 0.99, 100, '2024-12-31');
CREATE INDEX sales_territory_customer ON sales (territory, customer);
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  segment TEXT NOT NULL,
  country TEXT NOT NULL
);
INSERT INTO customers VALUES (1, 'Acme Corp', 'Enterprise', 'US');
INSERT INTO customers VALUES (2, 'Smith, Jones & Co', 'SMB', 'UK');
INSERT INTO customers VALUES (3, 'Zoë Larsen', 'Consumer', 'DK');
INSERT INTO customers VALUES (4, 'Müller GmbH', 'Enterprise', 'DE');
INSERT INTO customers VALUES (5, '東京商事', 'Enterprise', 'JP');
INSERT INTO customers VALUES (6, 'O''Brien Ltd', 'SMB', 'IE');
INSERT INTO customers VALUES (7, 'Ñandú SA', 'SMB', 'AR');
INSERT INTO customers VALUES (8, 'Élan Vital', 'Consumer', 'FR');
