import type { Dialect } from '@legacybridge/core';

/**
 * The conformance fixture: one logical schema written once per dialect, each element one statement
 * without a trailing semicolon (Oracle's driver rejects one), run in order by the harness.
 *
 * customers ← orders ← order_lines → products, a view joining customers and orders, `type_samples`
 * holding the awkward values (an integer above 2^53, an exact decimal, a date, a blob, NULLs) and
 * `event_log` with 5,000 rows generated in SQL, for the row and byte caps.
 *
 * `Record<Dialect, …>`: adding a dialect fails to compile until its fixture is written.
 */
export const CONFORMANCE_FIXTURES: Record<Dialect, readonly string[]> = {
  postgres: [
    `CREATE TABLE customers (
      customer_id INTEGER PRIMARY KEY,
      name VARCHAR(100) NOT NULL,
      email VARCHAR(200),
      credit_limit NUMERIC(12,2),
      created_on DATE NOT NULL)`,
    `CREATE TABLE products (
      product_id INTEGER PRIMARY KEY,
      sku VARCHAR(20) NOT NULL CONSTRAINT uq_products_sku UNIQUE,
      title VARCHAR(200) NOT NULL,
      unit_price NUMERIC(10,2) NOT NULL)`,
    `CREATE TABLE orders (
      order_id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL CONSTRAINT fk_orders_customer REFERENCES customers (customer_id),
      ordered_on DATE NOT NULL,
      status CHAR(1) NOT NULL,
      note VARCHAR(400))`,
    'CREATE INDEX ix_orders_customer ON orders (customer_id)',
    `CREATE TABLE order_lines (
      order_id INTEGER NOT NULL CONSTRAINT fk_order_lines_order REFERENCES orders (order_id),
      line_no INTEGER NOT NULL,
      product_id INTEGER NOT NULL CONSTRAINT fk_order_lines_product REFERENCES products (product_id),
      quantity INTEGER NOT NULL,
      CONSTRAINT pk_order_lines PRIMARY KEY (order_id, line_no))`,
    `CREATE TABLE type_samples (
      sample_id INTEGER PRIMARY KEY,
      big_value BIGINT,
      exact_value NUMERIC(20,2),
      day_value DATE,
      blob_value BYTEA,
      text_value VARCHAR(50))`,
    `CREATE TABLE event_log (
      event_id INTEGER PRIMARY KEY,
      customer_id INTEGER,
      message VARCHAR(100) NOT NULL)`,
    `CREATE VIEW customer_orders AS
      SELECT c.customer_id, c.name, o.order_id, o.ordered_on
      FROM customers c JOIN orders o ON o.customer_id = c.customer_id`,
    `INSERT INTO customers VALUES
      (1, 'Ada Lovelace', 'ada@example.com', 1500.00, DATE '1999-12-31'),
      (2, 'Grace Hopper', NULL, 250000.50, DATE '2001-02-03'),
      (3, 'Émile Zola', 'emile@example.fr', NULL, DATE '2010-06-15')`,
    `INSERT INTO products VALUES (1, 'W-100', 'Widget', 2.50), (2, 'G-200', 'Gadget', 19.99), (3, 'S-300', 'Sprocket', 0.75)`,
    `INSERT INTO orders VALUES
      (100, 1, DATE '2003-04-05', 'S', NULL), (101, 1, DATE '2003-04-06', 'O', 'leave at the door'),
      (102, 2, DATE '2004-01-15', 'C', NULL), (103, 3, DATE '2010-07-01', 'O', NULL)`,
    `INSERT INTO order_lines VALUES (100, 1, 1, 10), (100, 2, 2, 1), (101, 1, 3, 250), (102, 1, 1, 5), (103, 1, 2, 2), (103, 2, 3, 7)`,
    `INSERT INTO type_samples VALUES
      (1, 9007199254740993, 12345678901234567.89, DATE '2003-04-05', decode('deadbeef', 'hex'), 'héllo wörld'),
      (2, NULL, NULL, NULL, NULL, NULL)`,
    `INSERT INTO event_log (event_id, customer_id, message)
      SELECT i, CASE WHEN i % 10 = 0 THEN NULL ELSE i % 3 + 1 END, 'event ' || i
      FROM generate_series(1, 5000) AS g(i)`,
  ],

  mysql: [
    `CREATE TABLE customers (
      customer_id INT PRIMARY KEY,
      name VARCHAR(100) NOT NULL,
      email VARCHAR(200),
      credit_limit DECIMAL(12,2),
      created_on DATE NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `CREATE TABLE products (
      product_id INT PRIMARY KEY,
      sku VARCHAR(20) NOT NULL,
      title VARCHAR(200) NOT NULL,
      unit_price DECIMAL(10,2) NOT NULL,
      CONSTRAINT uq_products_sku UNIQUE (sku)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    // The named index comes first so InnoDB uses it for the foreign key instead of adding its own.
    `CREATE TABLE orders (
      order_id INT PRIMARY KEY,
      customer_id INT NOT NULL,
      ordered_on DATE NOT NULL,
      status CHAR(1) NOT NULL,
      note VARCHAR(400),
      INDEX ix_orders_customer (customer_id),
      CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (customer_id))
      ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `CREATE TABLE order_lines (
      order_id INT NOT NULL,
      line_no INT NOT NULL,
      product_id INT NOT NULL,
      quantity INT NOT NULL,
      CONSTRAINT pk_order_lines PRIMARY KEY (order_id, line_no),
      CONSTRAINT fk_order_lines_order FOREIGN KEY (order_id) REFERENCES orders (order_id),
      CONSTRAINT fk_order_lines_product FOREIGN KEY (product_id) REFERENCES products (product_id))
      ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `CREATE TABLE type_samples (
      sample_id INT PRIMARY KEY,
      big_value BIGINT,
      exact_value DECIMAL(20,2),
      day_value DATE,
      blob_value BLOB,
      text_value VARCHAR(50)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `CREATE TABLE event_log (
      event_id INT PRIMARY KEY,
      customer_id INT,
      message VARCHAR(100) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `CREATE VIEW customer_orders AS
      SELECT c.customer_id, c.name, o.order_id, o.ordered_on
      FROM customers c JOIN orders o ON o.customer_id = c.customer_id`,
    `INSERT INTO customers VALUES
      (1, 'Ada Lovelace', 'ada@example.com', 1500.00, '1999-12-31'),
      (2, 'Grace Hopper', NULL, 250000.50, '2001-02-03'),
      (3, 'Émile Zola', 'emile@example.fr', NULL, '2010-06-15')`,
    `INSERT INTO products VALUES (1, 'W-100', 'Widget', 2.50), (2, 'G-200', 'Gadget', 19.99), (3, 'S-300', 'Sprocket', 0.75)`,
    `INSERT INTO orders VALUES
      (100, 1, '2003-04-05', 'S', NULL), (101, 1, '2003-04-06', 'O', 'leave at the door'),
      (102, 2, '2004-01-15', 'C', NULL), (103, 3, '2010-07-01', 'O', NULL)`,
    `INSERT INTO order_lines VALUES (100, 1, 1, 10), (100, 2, 2, 1), (101, 1, 3, 250), (102, 1, 1, 5), (103, 1, 2, 2), (103, 2, 3, 7)`,
    `INSERT INTO type_samples VALUES
      (1, 9007199254740993, 12345678901234567.89, '2003-04-05', X'DEADBEEF', 'héllo wörld'),
      (2, NULL, NULL, NULL, NULL, NULL)`,
    // A digits cross join, not a recursive CTE: MySQL 8 stops recursion at 1,000 levels by default.
    `INSERT INTO event_log (event_id, customer_id, message)
      SELECT n, CASE WHEN n % 10 = 0 THEN NULL ELSE n % 3 + 1 END, CONCAT('event ', n)
      FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 1 AS n
            FROM (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a
            CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b
            CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c
            CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) e
           ) nums
      WHERE n <= 5000`,
  ],

  mssql: [
    `CREATE TABLE customers (
      customer_id INT NOT NULL CONSTRAINT pk_customers PRIMARY KEY,
      name NVARCHAR(100) NOT NULL,
      email NVARCHAR(200) NULL,
      credit_limit DECIMAL(12,2) NULL,
      created_on DATE NOT NULL)`,
    `CREATE TABLE products (
      product_id INT NOT NULL CONSTRAINT pk_products PRIMARY KEY,
      sku NVARCHAR(20) NOT NULL CONSTRAINT uq_products_sku UNIQUE,
      title NVARCHAR(200) NOT NULL,
      unit_price DECIMAL(10,2) NOT NULL)`,
    `CREATE TABLE orders (
      order_id INT NOT NULL CONSTRAINT pk_orders PRIMARY KEY,
      customer_id INT NOT NULL CONSTRAINT fk_orders_customer REFERENCES customers (customer_id),
      ordered_on DATE NOT NULL,
      status CHAR(1) NOT NULL,
      note NVARCHAR(400) NULL)`,
    'CREATE INDEX ix_orders_customer ON orders (customer_id)',
    `CREATE TABLE order_lines (
      order_id INT NOT NULL CONSTRAINT fk_order_lines_order REFERENCES orders (order_id),
      line_no INT NOT NULL,
      product_id INT NOT NULL CONSTRAINT fk_order_lines_product REFERENCES products (product_id),
      quantity INT NOT NULL,
      CONSTRAINT pk_order_lines PRIMARY KEY (order_id, line_no))`,
    `CREATE TABLE type_samples (
      sample_id INT NOT NULL CONSTRAINT pk_type_samples PRIMARY KEY,
      big_value BIGINT NULL,
      exact_value DECIMAL(20,2) NULL,
      day_value DATE NULL,
      blob_value VARBINARY(MAX) NULL,
      text_value NVARCHAR(50) NULL)`,
    `CREATE TABLE event_log (
      event_id INT NOT NULL CONSTRAINT pk_event_log PRIMARY KEY,
      customer_id INT NULL,
      message NVARCHAR(100) NOT NULL)`,
    `CREATE VIEW customer_orders AS
      SELECT c.customer_id, c.name, o.order_id, o.ordered_on
      FROM customers c JOIN orders o ON o.customer_id = c.customer_id`,
    `INSERT INTO customers VALUES
      (1, N'Ada Lovelace', N'ada@example.com', 1500.00, '1999-12-31'),
      (2, N'Grace Hopper', NULL, 250000.50, '2001-02-03'),
      (3, N'Émile Zola', N'emile@example.fr', NULL, '2010-06-15')`,
    `INSERT INTO products VALUES (1, N'W-100', N'Widget', 2.50), (2, N'G-200', N'Gadget', 19.99), (3, N'S-300', N'Sprocket', 0.75)`,
    `INSERT INTO orders VALUES
      (100, 1, '2003-04-05', 'S', NULL), (101, 1, '2003-04-06', 'O', N'leave at the door'),
      (102, 2, '2004-01-15', 'C', NULL), (103, 3, '2010-07-01', 'O', NULL)`,
    `INSERT INTO order_lines VALUES (100, 1, 1, 10), (100, 2, 2, 1), (101, 1, 3, 250), (102, 1, 1, 5), (103, 1, 2, 2), (103, 2, 3, 7)`,
    `INSERT INTO type_samples VALUES
      (1, 9007199254740993, 12345678901234567.89, '2003-04-05', 0xDEADBEEF, N'héllo wörld'),
      (2, NULL, NULL, NULL, NULL, NULL)`,
    `WITH n AS (
        SELECT TOP (5000) CAST(ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS INT) AS i
        FROM sys.all_columns a CROSS JOIN sys.all_columns b)
      INSERT INTO event_log (event_id, customer_id, message)
      SELECT i, CASE WHEN i % 10 = 0 THEN NULL ELSE i % 3 + 1 END, CONCAT(N'event ', i) FROM n`,
  ],

  // Unquoted identifiers: Oracle stores them upper-case; the suite compares names case-insensitively.
  oracle: [
    `CREATE TABLE customers (
      customer_id NUMBER(10) CONSTRAINT pk_customers PRIMARY KEY,
      name VARCHAR2(100 CHAR) NOT NULL,
      email VARCHAR2(200 CHAR),
      credit_limit NUMBER(12,2),
      created_on DATE NOT NULL)`,
    `CREATE TABLE products (
      product_id NUMBER(10) CONSTRAINT pk_products PRIMARY KEY,
      sku VARCHAR2(20 CHAR) NOT NULL CONSTRAINT uq_products_sku UNIQUE,
      title VARCHAR2(200 CHAR) NOT NULL,
      unit_price NUMBER(10,2) NOT NULL)`,
    `CREATE TABLE orders (
      order_id NUMBER(10) CONSTRAINT pk_orders PRIMARY KEY,
      customer_id NUMBER(10) NOT NULL CONSTRAINT fk_orders_customer REFERENCES customers (customer_id),
      ordered_on DATE NOT NULL,
      status CHAR(1) NOT NULL,
      note VARCHAR2(400 CHAR))`,
    'CREATE INDEX ix_orders_customer ON orders (customer_id)',
    `CREATE TABLE order_lines (
      order_id NUMBER(10) NOT NULL CONSTRAINT fk_order_lines_order REFERENCES orders (order_id),
      line_no NUMBER(10) NOT NULL,
      product_id NUMBER(10) NOT NULL CONSTRAINT fk_order_lines_product REFERENCES products (product_id),
      quantity NUMBER(10) NOT NULL,
      CONSTRAINT pk_order_lines PRIMARY KEY (order_id, line_no))`,
    `CREATE TABLE type_samples (
      sample_id NUMBER(10) CONSTRAINT pk_type_samples PRIMARY KEY,
      big_value NUMBER(19),
      exact_value NUMBER(20,2),
      day_value DATE,
      blob_value BLOB,
      text_value VARCHAR2(50 CHAR))`,
    `CREATE TABLE event_log (
      event_id NUMBER(10) CONSTRAINT pk_event_log PRIMARY KEY,
      customer_id NUMBER(10),
      message VARCHAR2(100 CHAR) NOT NULL)`,
    `CREATE VIEW customer_orders AS
      SELECT c.customer_id, c.name, o.order_id, o.ordered_on
      FROM customers c JOIN orders o ON o.customer_id = c.customer_id`,
    // Oracle before 23c has no multi-row VALUES: one INSERT … SELECT … UNION ALL per table.
    `INSERT INTO customers
      SELECT 1, 'Ada Lovelace', 'ada@example.com', 1500.00, DATE '1999-12-31' FROM dual UNION ALL
      SELECT 2, 'Grace Hopper', NULL, 250000.50, DATE '2001-02-03' FROM dual UNION ALL
      SELECT 3, 'Émile Zola', 'emile@example.fr', NULL, DATE '2010-06-15' FROM dual`,
    `INSERT INTO products
      SELECT 1, 'W-100', 'Widget', 2.50 FROM dual UNION ALL
      SELECT 2, 'G-200', 'Gadget', 19.99 FROM dual UNION ALL
      SELECT 3, 'S-300', 'Sprocket', 0.75 FROM dual`,
    `INSERT INTO orders
      SELECT 100, 1, DATE '2003-04-05', 'S', NULL FROM dual UNION ALL
      SELECT 101, 1, DATE '2003-04-06', 'O', 'leave at the door' FROM dual UNION ALL
      SELECT 102, 2, DATE '2004-01-15', 'C', NULL FROM dual UNION ALL
      SELECT 103, 3, DATE '2010-07-01', 'O', NULL FROM dual`,
    `INSERT INTO order_lines
      SELECT 100, 1, 1, 10 FROM dual UNION ALL SELECT 100, 2, 2, 1 FROM dual UNION ALL
      SELECT 101, 1, 3, 250 FROM dual UNION ALL SELECT 102, 1, 1, 5 FROM dual UNION ALL
      SELECT 103, 1, 2, 2 FROM dual UNION ALL SELECT 103, 2, 3, 7 FROM dual`,
    `INSERT INTO type_samples
      SELECT 1, 9007199254740993, 12345678901234567.89, DATE '2003-04-05', HEXTORAW('DEADBEEF'), 'héllo wörld' FROM dual UNION ALL
      SELECT 2, NULL, NULL, NULL, NULL, NULL FROM dual`,
    `INSERT INTO event_log (event_id, customer_id, message)
      SELECT level, CASE WHEN MOD(level, 10) = 0 THEN NULL ELSE MOD(level, 3) + 1 END, 'event ' || level
      FROM dual CONNECT BY level <= 5000`,
  ],

  sqlite: [
    `CREATE TABLE customers (
      customer_id INTEGER PRIMARY KEY,
      name VARCHAR(100) NOT NULL,
      email VARCHAR(200),
      credit_limit DECIMAL(12,2),
      created_on DATE NOT NULL)`,
    `CREATE TABLE products (
      product_id INTEGER PRIMARY KEY,
      sku VARCHAR(20) NOT NULL CONSTRAINT uq_products_sku UNIQUE,
      title VARCHAR(200) NOT NULL,
      unit_price DECIMAL(10,2) NOT NULL)`,
    `CREATE TABLE orders (
      order_id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL CONSTRAINT fk_orders_customer REFERENCES customers (customer_id),
      ordered_on DATE NOT NULL,
      status CHAR(1) NOT NULL,
      note VARCHAR(400))`,
    'CREATE INDEX ix_orders_customer ON orders (customer_id)',
    `CREATE TABLE order_lines (
      order_id INTEGER NOT NULL CONSTRAINT fk_order_lines_order REFERENCES orders (order_id),
      line_no INTEGER NOT NULL,
      product_id INTEGER NOT NULL CONSTRAINT fk_order_lines_product REFERENCES products (product_id),
      quantity INTEGER NOT NULL,
      CONSTRAINT pk_order_lines PRIMARY KEY (order_id, line_no))`,
    // SQLite has no exact decimal: NUMERIC affinity stores 12345678901234567.89 as a REAL, so the
    // sample is a value a double prints back exactly (DIALECT_EXPECTATIONS.sqlite.decimal says so).
    `CREATE TABLE type_samples (
      sample_id INTEGER PRIMARY KEY,
      big_value BIGINT,
      exact_value DECIMAL(20,2),
      day_value DATE,
      blob_value BLOB,
      text_value VARCHAR(50))`,
    `CREATE TABLE event_log (
      event_id INTEGER PRIMARY KEY,
      customer_id INTEGER,
      message VARCHAR(100) NOT NULL)`,
    `CREATE VIEW customer_orders AS
      SELECT c.customer_id, c.name, o.order_id, o.ordered_on
      FROM customers c JOIN orders o ON o.customer_id = c.customer_id`,
    `INSERT INTO customers VALUES
      (1, 'Ada Lovelace', 'ada@example.com', 1500.00, '1999-12-31'),
      (2, 'Grace Hopper', NULL, 250000.50, '2001-02-03'),
      (3, 'Émile Zola', 'emile@example.fr', NULL, '2010-06-15')`,
    `INSERT INTO products VALUES (1, 'W-100', 'Widget', 2.50), (2, 'G-200', 'Gadget', 19.99), (3, 'S-300', 'Sprocket', 0.75)`,
    `INSERT INTO orders VALUES
      (100, 1, '2003-04-05', 'S', NULL), (101, 1, '2003-04-06', 'O', 'leave at the door'),
      (102, 2, '2004-01-15', 'C', NULL), (103, 3, '2010-07-01', 'O', NULL)`,
    `INSERT INTO order_lines VALUES (100, 1, 1, 10), (100, 2, 2, 1), (101, 1, 3, 250), (102, 1, 1, 5), (103, 1, 2, 2), (103, 2, 3, 7)`,
    `INSERT INTO type_samples VALUES
      (1, 9007199254740993, 1234567.89, '2003-04-05', X'DEADBEEF', 'héllo wörld'),
      (2, NULL, NULL, NULL, NULL, NULL)`,
    `INSERT INTO event_log (event_id, customer_id, message)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
      SELECT i, CASE WHEN i % 10 = 0 THEN NULL ELSE i % 3 + 1 END, 'event ' || i FROM n`,
  ],
};

/** The fixture's tables (lower-case), with their row counts, for assertions. */
export const FIXTURE_TABLES = {
  customers: 3,
  products: 3,
  orders: 4,
  order_lines: 6,
  type_samples: 2,
  event_log: 5000,
} as const;

/** The fixture's one view. */
export const FIXTURE_VIEW = 'customer_orders';
