#!/bin/sh
# Creates the least-privilege login role LegacyBridge connects as (deploy/sql/postgres-readonly.sql),
# after 01-demo.sql.gz loaded the data. Runs once, on an empty volume, inside the postgres container.
set -eu
password=$(sed -n 's#^postgresql://[^:]*:\([^@]*\)@.*#\1#p' /run/secrets/database_url)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v role=legacybridge_ro -v password="$password" -v schema=public \
  -f /docker-entrypoint-initdb.d/postgres-readonly.sql.inc
