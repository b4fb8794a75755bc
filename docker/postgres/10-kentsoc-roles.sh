#!/usr/bin/env bash
# kentsoc's two database logins. The postgres image runs this once, as the server's superuser,
# when it initialises an empty data directory (docker-compose.yml mounts this folder into
# /docker-entrypoint-initdb.d/):
#   kentsoc_owner  owns the database and every table in it; only `migrate` logs in as it.
#   kentsoc_app    web, worker and beat; `migrate` grants it rows only, and on the audit trail
#                  only SELECT and INSERT (kentsoc/audit/database.py).
# Safe to run again, e.g. to add the logins to an existing deployment:
#   docker compose exec postgres /docker-entrypoint-initdb.d/10-kentsoc-roles.sh
set -euo pipefail

owner_password="$(cat "${KENTSOC_DB_OWNER_PASSWORD_FILE:?the owner password file}")"
app_password="${KENTSOC_DB_APP_PASSWORD:?the app password}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" \
    --dbname "${POSTGRES_DB:?}" --set database="$POSTGRES_DB" \
    --set owner_password="$owner_password" --set app_password="$app_password" <<'SQL'
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kentsoc_owner') AS missing \gset
\if :missing
CREATE ROLE kentsoc_owner;
\endif
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kentsoc_app') AS missing \gset
\if :missing
CREATE ROLE kentsoc_app;
\endif
ALTER ROLE kentsoc_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    NOBYPASSRLS PASSWORD :'owner_password';
ALTER ROLE kentsoc_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    NOBYPASSRLS PASSWORD :'app_password';
ALTER DATABASE :"database" OWNER TO kentsoc_owner;
-- Only the owner creates tables (PostgreSQL 15 and later already refuse everyone else).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
