/**
 * The fixture every live database gets: the same three tables, a view, a sequence, a function that
 * writes, a function that sleeps, a trigger — and on PostgreSQL the dblink extension and a large
 * object. The corpus refers to these names. grab_fixed() is (wrongly, as legacy code often is) declared
IMMUTABLE/DETERMINISTIC, so a planner may run it while only planning (explain_query). Functions with innocent names hide what the guard
 * refuses in plain SQL (a write, a session lock, a setting, a user variable, a sequence step, a
 * large object): the guard cannot see inside them, so only the read-only session and the reset
 * of the pooled connection stand in the way — which is what those cases test.
 */

/** The large object's oid on PostgreSQL (the corpus's lo_* cases target it). */
export const LARGE_OBJECT_OID = 424242;

const CUSTOMERS = `(1, 'Alice', 'alice@example.com', '2021-01-05 10:00:00', 'admin', 0, NULL),
  (2, 'Bob', 'bob@example.com', '2021-03-12 08:30:00', 'import', 0, NULL),
  (3, 'Carol', 'carol@example.com', '2020-11-30 17:45:00', 'admin', 1, 'duplicate'),
  (4, 'Dave', NULL, '2022-06-01 12:00:00', NULL, 0, NULL),
  (5, 'Eve; DROP TABLE customers', 'eve@example.com', '2023-02-14 09:15:00', 'DELETE', 1, 'update me')`;

const ORDERS = `(1, 1, 10.50, 'open', '2021-02-01 10:00:00'),
  (2, 1, 99.99, 'shipped', '2021-02-03 11:00:00'),
  (3, 2, 5.00, 'open', '2021-04-01 09:00:00'),
  (4, 2, 42.00, 'cancelled', '2021-05-01 09:00:00'),
  (5, 4, 7.25, 'shipped', '2022-07-01 15:30:00'),
  (6, 5, 120.00, 'open', '2023-03-01 16:00:00')`;

export const POSTGRES_FIXTURE = `
CREATE TABLE customers (id int PRIMARY KEY, name varchar(100), email varchar(200), created_at timestamp,
  updated_by varchar(50), is_deleted int NOT NULL DEFAULT 0, drop_reason varchar(100));
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers (id), amount numeric(10,2),
  status varchar(20), created_at timestamp);
CREATE TABLE audit_log (id int, note varchar(200));
INSERT INTO customers VALUES ${CUSTOMERS};
INSERT INTO orders VALUES ${ORDERS};
INSERT INTO audit_log VALUES (1, 'created');
CREATE VIEW active_customers AS SELECT id, name FROM customers WHERE is_deleted = 0;
CREATE SEQUENCE order_seq;
CREATE INDEX orders_created_brin ON orders USING brin (created_at) WITH (pages_per_range = 1);
CREATE INDEX customers_name_gin ON customers USING gin (to_tsvector('simple', name)) WITH (fastupdate = on);
CREATE FUNCTION bump_counter() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
BEGIN INSERT INTO audit_log VALUES (99, 'bumped'); RETURN 1; END $$;
CREATE FUNCTION slow_answer() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
BEGIN PERFORM pg_sleep(30); RETURN 42; END $$;
CREATE FUNCTION orders_audit_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO audit_log VALUES (NEW.id, 'order'); RETURN NEW; END $$;
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION orders_audit_fn();
CREATE FUNCTION grab() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN PERFORM pg_advisory_lock(4244); RETURN true; END $$;
CREATE FUNCTION grab_fixed() RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN PERFORM pg_advisory_lock(4245); RETURN true; END $$;
CREATE FUNCTION sneaky_sleep() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
BEGIN PERFORM set_config('statement_timeout', '0', true); PERFORM pg_sleep(30); RETURN 42; END $$;
CREATE FUNCTION prep() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
BEGIN EXECUTE 'PREPARE lb_adv_p AS SELECT 1'; RETURN 1; END $$;
CREATE FUNCTION slow_fixed() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN PERFORM pg_sleep(30); RETURN 42; END $$;
CREATE FUNCTION remember() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
BEGIN PERFORM set_config('statement_timeout', '0', false); PERFORM set_config('search_path', 'pg_temp, public', false);
RETURN current_setting('statement_timeout'); END $$;
CREATE FUNCTION stash() RETURNS oid LANGUAGE plpgsql VOLATILE AS $$
BEGIN RETURN lo_from_bytea(0, 'smuggled'::bytea); END $$;
CREATE FUNCTION ticket() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
BEGIN RETURN nextval('order_seq'); END $$;
CREATE EXTENSION dblink;
SELECT lo_from_bytea(${LARGE_OBJECT_OID}, 'a legacy large object'::bytea);
`;

export const MARIADB_FIXTURE = `
CREATE TABLE customers (id int PRIMARY KEY, name varchar(100), email varchar(200), created_at datetime,
  updated_by varchar(50), is_deleted int NOT NULL DEFAULT 0, drop_reason varchar(100)) ENGINE=InnoDB;
CREATE TABLE orders (id int PRIMARY KEY, customer_id int, amount decimal(10,2), status varchar(20),
  created_at datetime, FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
CREATE TABLE audit_log (id int, note varchar(200)) ENGINE=InnoDB;
INSERT INTO customers VALUES ${CUSTOMERS};
INSERT INTO orders VALUES ${ORDERS};
INSERT INTO audit_log VALUES (1, 'created');
CREATE VIEW active_customers AS SELECT id, name FROM customers WHERE is_deleted = 0;
CREATE SEQUENCE order_seq;
DELIMITER //
CREATE FUNCTION bump_counter() RETURNS int MODIFIES SQL DATA
BEGIN INSERT INTO audit_log VALUES (99, 'bumped'); RETURN 1; END//
CREATE FUNCTION slow_answer() RETURNS int NO SQL
BEGIN DO SLEEP(30); RETURN 42; END//
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW
BEGIN INSERT INTO audit_log VALUES (NEW.id, 'order'); END//
CREATE FUNCTION grab() RETURNS int NO SQL
BEGIN RETURN GET_LOCK('lb_adv', 0); END//
CREATE FUNCTION sneaky_sleep() RETURNS int NO SQL
BEGIN SET SESSION max_statement_time = 0; DO SLEEP(30); RETURN 42; END//
CREATE FUNCTION grab_fixed() RETURNS int DETERMINISTIC NO SQL
BEGIN RETURN GET_LOCK('lb_adv', 0); END//
CREATE FUNCTION remember() RETURNS int NO SQL
BEGIN SET @lb_adv = 7; SET SESSION sql_mode = 'ANSI_QUOTES'; SET SESSION max_statement_time = 0; RETURN 1; END//
CREATE FUNCTION ticket() RETURNS bigint MODIFIES SQL DATA
BEGIN RETURN NEXTVAL(order_seq); END//
DELIMITER ;
CREATE VIEW session_leak AS SELECT grab() AS locked, remember() AS remembered;
`;

export const SQLITE_FIXTURE = `
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, email TEXT, created_at TEXT, updated_by TEXT,
  is_deleted INTEGER NOT NULL DEFAULT 0, drop_reason TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id), amount NUMERIC,
  status TEXT, created_at TEXT);
CREATE TABLE audit_log (id INTEGER, note TEXT);
INSERT INTO customers VALUES ${CUSTOMERS};
INSERT INTO orders VALUES ${ORDERS};
INSERT INTO audit_log VALUES (1, 'created');
CREATE VIEW active_customers AS SELECT id, name FROM customers WHERE is_deleted = 0;
CREATE TRIGGER orders_audit AFTER INSERT ON orders BEGIN INSERT INTO audit_log VALUES (NEW.id, 'order'); END;
`;

/** The fixture's tables, whose rows the inventories checksum. */
export const FIXTURE_TABLES = ['customers', 'orders', 'audit_log'] as const;
