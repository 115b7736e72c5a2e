-- LegacyBridge: a least-privilege, read-only account for MySQL (5.7, 8.x) and MariaDB (10.3 and later).
--
-- Run with the mysql (or mariadb) client as an administrator, setting the parameters first as user
-- variables in the same session, so the password never lands in this file:
--
--   { echo "SET @role = 'legacybridge_ro', @host = '10.0.%', @db = 'erp', @password = '…';"
--     cat deploy/sql/mysql-readonly.sql; } | mysql -h host -u admin -p
--
-- Piped like this the client stops at the first error. (A `SOURCE` of this file carries on after
-- errors, and `-e "SET …; SOURCE …"` does not work at all: SOURCE must start its own line.)
--
-- Parameters (user variables):
--   @role      account name to create               (default: legacybridge_ro)
--   @host      host part of the account             (default: '%'; narrow it to the servers' network)
--   @db        the database it may read             (default: the client's current database)
--   @password  its password; required with @create = 1: without it the script stops at CREATE USER
--   @create    0 to only grant @db to an existing account (default 1); run once per database
--
-- What the account gets, and nothing more: SELECT and SHOW VIEW on @db.* — a database-level grant,
-- so tables created there later are readable without another GRANT. Deliberately absent, unlike a
-- plain "GRANT SELECT": CREATE TEMPORARY TABLES, EXECUTE (stored routines may write as their
-- definer), LOCK TABLES, FILE (server files: INTO OUTFILE / LOAD DATA), PROCESS (other sessions'
-- SQL), SHOW DATABASES, SUPER / READ_ONLY ADMIN / CONNECTION_ADMIN (they bypass read_only), and any
-- CREATE, ALTER, DROP, INDEX, TRIGGER, EVENT, REFERENCES or GRANT OPTION. Connections are capped.
--
-- MySQL has no PUBLIC grants to revoke, with two exceptions to check by hand: MariaDB 10.11+ has a
-- PUBLIC role (SHOW GRANTS FOR PUBLIC must list nothing beyond USAGE), and MySQL 8 grants the roles
-- in the `mandatory_roles` setting to every account (it must be empty, or hold read-only roles).
-- Check the result with: legacybridge doctor --url mysql://legacybridge_ro@host/erp
--
-- Every statement is built with QUOTE() and backtick-escaping, so names with quotes stay names.

SET @role = COALESCE(@role, 'legacybridge_ro');
SET @host = COALESCE(@host, '%');
SET @db = COALESCE(@db, DATABASE());
SET @create = COALESCE(@create, 1);
SET @account = CONCAT(QUOTE(@role), '@', QUOTE(@host));
SET @db_ident = CONCAT('`', REPLACE(@db, '`', '``'), '`');

-- CREATE USER: with @password unset the text is NULL and PREPARE fails, which stops the script.
SET @stmt = IF(@create = 1,
  IF(@password IS NULL, NULL,
     CONCAT('CREATE USER ', @account, ' IDENTIFIED BY ', QUOTE(@password), ' WITH MAX_USER_CONNECTIONS 20')),
  'DO 0');
PREPARE lb_stmt FROM @stmt;
EXECUTE lb_stmt;
DEALLOCATE PREPARE lb_stmt;

SET @stmt = CONCAT('GRANT SELECT, SHOW VIEW ON ', @db_ident, '.* TO ', @account);
PREPARE lb_stmt FROM @stmt;
EXECUTE lb_stmt;
DEALLOCATE PREPARE lb_stmt;

SET @stmt = NULL, @account = NULL, @db_ident = NULL, @password = NULL;
SELECT CONCAT('Account ', QUOTE(@role), '@', QUOTE(@host), ' can now read ', @db, '.*') AS done;
