-- LegacyBridge: a least-privilege, read-only login role for PostgreSQL (10 and later).
--
-- Run with psql, as a superuser or the owner of the tables, connected to the database to expose:
--
--   psql "postgres://admin@host:5432/erp" -v role=legacybridge_ro -v schema=public \
--        -f deploy/sql/postgres-readonly.sql
--
-- Variables (psql -v name=value):
--   role           login role to create                          (default: legacybridge_ro)
--   password       its password; prompted for when not given, so it stays out of shell history
--   schema         the schema whose tables and views it may read (default: public); run the script
--                  once per schema, adding -v create_role=off after the first run
--   owner          the role that creates tables there later, for default privileges (default: you)
--   create_role    on/off: create the role (default on; off to grant another schema to it)
--   revoke_public  on/off: also revoke PUBLIC's defaults (default on; see below)
--
-- What the role gets, and nothing more: LOGIN, CONNECT on this database, USAGE on the schema,
-- SELECT on its tables and views now and later (default privileges). It is not a superuser and
-- cannot create roles, databases, schemas or temporary tables; every session it opens is read-only
-- by default and bounded by a statement timeout, independently of the server's own guard.
--
-- PostgreSQL has no negative grants: a role always holds what PUBLIC holds. So, with
-- revoke_public=on (the default), this script also revokes from PUBLIC in this database:
--   * TEMPORARY on the database: other roles that need temporary tables must be granted it back
--     (GRANT TEMPORARY ON DATABASE <db> TO <app_role>);
--   * CREATE on the schema (PostgreSQL 15 already does this for `public`);
--   * EXECUTE on functions created later by `owner` in the schema (grant it per function as needed);
--   * EXECUTE on the large-object write functions (lo_create, lo_creat, lo_unlink, lo_from_bytea,
--     lo_put, lowrite, lo_truncate) which work outside table privileges.
-- Review this list against your other applications before running it on a shared database, or pass
-- -v revoke_public=off and accept that the role keeps PUBLIC's TEMP and CREATE (the doctor reports
-- them). The statements are idempotent except CREATE ROLE.

\set ON_ERROR_STOP on

\if :{?role}
\else
  \set role legacybridge_ro
\endif
\if :{?schema}
\else
  \set schema public
\endif
\if :{?create_role}
\else
  \set create_role on
\endif
\if :{?revoke_public}
\else
  \set revoke_public on
\endif
\if :{?owner}
\else
  SELECT current_user AS owner \gset
\endif
SELECT pg_catalog.current_database() AS database \gset

BEGIN;

\if :create_role
  \if :{?password}
  \else
    \prompt 'Password for the new role: ' password
  \endif
  CREATE ROLE :"role" LOGIN PASSWORD :'password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT
    CONNECTION LIMIT 20;
  -- Read-only sessions by default: a second layer under LegacyBridge's own read-only session.
  ALTER ROLE :"role" SET default_transaction_read_only = on;
  ALTER ROLE :"role" SET statement_timeout = '60s';
  ALTER ROLE :"role" SET idle_in_transaction_session_timeout = '60s';
  ALTER ROLE :"role" SET lock_timeout = '5s';
\endif

GRANT CONNECT ON DATABASE :"database" TO :"role";
REVOKE TEMPORARY, CREATE ON DATABASE :"database" FROM :"role";
GRANT USAGE ON SCHEMA :"schema" TO :"role";
REVOKE CREATE ON SCHEMA :"schema" FROM :"role";
GRANT SELECT ON ALL TABLES IN SCHEMA :"schema" TO :"role";
-- Sequences are not needed for reads; nextval() would be a write.
REVOKE ALL ON ALL SEQUENCES IN SCHEMA :"schema" FROM :"role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA :"schema" GRANT SELECT ON TABLES TO :"role";

\if :revoke_public
  REVOKE TEMPORARY ON DATABASE :"database" FROM PUBLIC;
  REVOKE CREATE ON SCHEMA :"schema" FROM PUBLIC;
  ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA :"schema" REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
  REVOKE EXECUTE ON FUNCTION
    pg_catalog.lo_create(oid), pg_catalog.lo_creat(integer), pg_catalog.lo_unlink(oid),
    pg_catalog.lo_from_bytea(oid, bytea), pg_catalog.lo_put(oid, bigint, bytea),
    pg_catalog.lowrite(integer, bytea), pg_catalog.lo_truncate(integer, integer)
    FROM PUBLIC;
\endif

COMMIT;

\echo Role :role can now read schema :schema of database :database. Check it with: legacybridge doctor --url postgres://:role@host/:database
