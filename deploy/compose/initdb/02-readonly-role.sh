#!/bin/sh
# Creates the least-privilege login role LegacyBridge connects as (deploy/sql/postgres-readonly.sql),
# after 01-demo.sql.gz loaded the data. Runs once, on an empty volume, inside the postgres container.
# The role's name and password are the ones in the app's DATABASE_URL secret, so the two always agree.
# (The paths can be overridden, which is how test/compose-init.test.ts runs it without Docker.)
set -eu
secret=${DATABASE_URL_SECRET:-/run/secrets/database_url}
script=${READONLY_SQL:-/docker-entrypoint-initdb.d/postgres-readonly.sql.inc}
url=$(cat "$secret")
role=$(printf '%s' "$url" | sed -n 's#^[a-z]*://\([^:@/]*\)[:@].*#\1#p')
password=$(printf '%s' "$url" | sed -n 's#^[a-z]*://[^:@/]*:\([^@]*\)@.*#\1#p')
if [ -z "$role" ] || [ -z "$password" ]; then
  echo "02-readonly-role.sh: $secret must be a URL with a user and a password" >&2
  exit 1
fi
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v role="$role" -v password="$password" -v schema=public \
  -f "$script"
