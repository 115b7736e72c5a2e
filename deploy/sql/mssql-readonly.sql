-- LegacyBridge: a least-privilege, read-only login and user for SQL Server (2016 and later, Azure SQL
-- Managed Instance). UNTESTED HERE: no SQL Server on the development machines; review before use.
--
-- Run with sqlcmd as a member of sysadmin (or securityadmin + db_owner of the database):
--
--   sqlcmd -S host -U admin -i deploy/sql/mssql-readonly.sql \
--     -v LoginName="legacybridge_ro" Password="…" Database="erp" Schema="dbo"
--
-- Variables (sqlcmd -v; every one is required, sqlcmd stops when one is missing):
--   LoginName  login and database user to create
--   Password   its password (CHECK_POLICY applies); prefer setting it from a secret store's CLI
--   Database   the database it may read
--   Schema     the schema whose tables and views it may read; for more schemas, repeat the
--              "Schema" section below by hand
--
-- What the user gets: CONNECT, SELECT and VIEW DEFINITION on the schema (a schema-level grant, so
-- tables created there later are readable without another GRANT), and SHOWPLAN for explain_query.
-- SQL Server has negative grants, so instead of touching PUBLIC (which every user is in) the script
-- DENYs this user what PUBLIC or a later mistake could give it: writes, DDL, EXECUTE on the schema,
-- and the database-level CREATE permissions. DENY wins over any GRANT, including through roles
-- (except for sysadmin/db_owner members, which this user must never be).
--
-- Not preventable by permissions: every user can create #temporary tables in tempdb; LegacyBridge's
-- own session layer (an always-rolled-back transaction) and statement guard cover that.

:on error exit
SET NOCOUNT ON;

USE [master];
CREATE LOGIN [$(LoginName)] WITH PASSWORD = N'$(Password)', CHECK_POLICY = ON,
  DEFAULT_DATABASE = [$(Database)];
-- Hide other databases' names from sys.databases; the user can still connect to its own.
DENY VIEW ANY DATABASE TO [$(LoginName)];
GO

USE [$(Database)];
CREATE USER [$(LoginName)] FOR LOGIN [$(LoginName)] WITH DEFAULT_SCHEMA = [$(Schema)];

-- Schema: read, and nothing else.
GRANT SELECT, VIEW DEFINITION ON SCHEMA::[$(Schema)] TO [$(LoginName)];
DENY INSERT, UPDATE, DELETE, ALTER, EXECUTE, REFERENCES, CONTROL, TAKE OWNERSHIP
  ON SCHEMA::[$(Schema)] TO [$(LoginName)];

-- Database: explain plans, but no DDL and no code execution outside the schema's denies.
GRANT SHOWPLAN TO [$(LoginName)];
DENY CREATE TABLE, CREATE VIEW, CREATE PROCEDURE, CREATE FUNCTION, CREATE TYPE, CREATE SCHEMA,
  CREATE SYNONYM, CREATE DEFAULT, CREATE RULE, CREATE ASSEMBLY, CREATE SEQUENCE,
  ALTER ANY SCHEMA, ALTER ANY USER, ALTER ANY ROLE, BACKUP DATABASE, BACKUP LOG, CHECKPOINT
  TO [$(LoginName)];
GO

PRINT 'Login $(LoginName) can now read schema $(Schema) of database $(Database).';
PRINT 'Check it with: legacybridge doctor --url mssql://$(LoginName)@host/$(Database)';
GO
