-- LegacyBridge: a least-privilege, read-only user for Oracle Database (12.2 and later).
-- UNTESTED HERE: no Oracle on the development machines; review before use.
--
-- Run with SQL*Plus or SQLcl as a DBA, in the PDB that holds the data:
--
--   sql admin@//host:1521/ERPPDB @deploy/sql/oracle-readonly.sql LEGACYBRIDGE_RO ERP Y
--
-- Positional parameters:
--   1  the user to create                              e.g. LEGACYBRIDGE_RO
--   2  the schema (owner) whose tables and views it may read, e.g. ERP
--   3  Y to also revoke PUBLIC's network/file packages (see below), N to leave PUBLIC alone
-- The password is asked for (ACCEPT … HIDE), so it stays out of shell history and this file.
--
-- What the user gets: CREATE SESSION and READ on the schema's tables, views and materialized views.
-- READ, unlike SELECT, cannot lock rows (SELECT … FOR UPDATE). No quota on any tablespace, so it
-- cannot create segments; no CREATE privileges, no EXECUTE grants, no roles (not even RESOURCE or
-- CONNECT). Its sessions are bounded by a profile (idle time, CPU per call, sessions per user).
--
-- Future tables: Oracle before 23ai has no default privileges. On 23ai the script grants
-- READ ANY TABLE ON SCHEMA (future tables included); on older releases re-run the grant block after
-- adding tables (it is idempotent), or grant per table.
--
-- PUBLIC: every user holds what PUBLIC holds. With parameter 3 = Y the script revokes from PUBLIC the
-- packages that reach outside the database (UTL_FILE, UTL_HTTP, UTL_TCP, UTL_SMTP, UTL_INADDR,
-- DBMS_LDAP, HTTPURITYPE) as the CIS benchmark recommends. Other applications that use them need
-- a direct grant first; check DBA_DEPENDENCIES before saying Y.

WHENEVER SQLERROR EXIT SQL.SQLCODE ROLLBACK
SET VERIFY OFF
DEFINE ro_user = &1
DEFINE ro_schema = &2
DEFINE revoke_public = &3
ACCEPT ro_password CHAR PROMPT 'Password for &ro_user: ' HIDE

-- The profile is shared by every LegacyBridge user: created on the first run, kept after.
BEGIN
  EXECUTE IMMEDIATE 'CREATE PROFILE legacybridge_ro_profile LIMIT SESSIONS_PER_USER 20 IDLE_TIME 30'
    || ' CPU_PER_CALL 6000 FAILED_LOGIN_ATTEMPTS 10';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE <> -2379 THEN RAISE; END IF; -- ORA-02379: profile already exists
END;
/
-- No QUOTA clause: without one the user cannot allocate space in any tablespace.
CREATE USER &ro_user IDENTIFIED BY "&ro_password" PROFILE legacybridge_ro_profile;
GRANT CREATE SESSION TO &ro_user;

-- 23ai: one schema-level grant covers today's and tomorrow's tables; older: one grant per object.
DECLARE
  major NUMBER;
BEGIN
  SELECT TO_NUMBER(REGEXP_SUBSTR(version, '^\d+')) INTO major FROM product_component_version
   WHERE product LIKE 'Oracle%' AND ROWNUM = 1;
  IF major >= 23 THEN
    EXECUTE IMMEDIATE 'GRANT READ ANY TABLE ON SCHEMA ' || DBMS_ASSERT.SCHEMA_NAME(UPPER('&ro_schema'))
      || ' TO ' || DBMS_ASSERT.SIMPLE_SQL_NAME('&ro_user');
  END IF;
  FOR o IN (SELECT owner, object_name FROM dba_objects
             WHERE owner = UPPER('&ro_schema')
               AND object_type IN ('TABLE', 'VIEW', 'MATERIALIZED VIEW')
               AND object_name NOT LIKE 'BIN$%') LOOP
    EXECUTE IMMEDIATE 'GRANT READ ON ' || DBMS_ASSERT.ENQUOTE_NAME(o.owner, FALSE) || '.'
      || DBMS_ASSERT.ENQUOTE_NAME(o.object_name, FALSE) || ' TO ' || DBMS_ASSERT.SIMPLE_SQL_NAME('&ro_user');
  END LOOP;
END;
/

-- PUBLIC's packages that reach files and the network (only with parameter 3 = Y).
BEGIN
  IF UPPER('&revoke_public') = 'Y' THEN
    FOR p IN (SELECT table_name FROM dba_tab_privs
               WHERE grantee = 'PUBLIC' AND privilege = 'EXECUTE' AND owner = 'SYS'
                 AND table_name IN ('UTL_FILE', 'UTL_HTTP', 'UTL_TCP', 'UTL_SMTP', 'UTL_INADDR',
                                    'DBMS_LDAP', 'HTTPURITYPE')) LOOP
      EXECUTE IMMEDIATE 'REVOKE EXECUTE ON SYS.' || p.table_name || ' FROM PUBLIC';
    END LOOP;
  END IF;
END;
/

PROMPT User &ro_user can now read schema &ro_schema.
PROMPT Check it with: legacybridge doctor --url oracle://&ro_user@host:1521/service
UNDEFINE ro_password
