#!/bin/bash
# Run by the postgres image once, when it initialises an empty volume (docker-entrypoint-initdb.d):
# makes the role Graft connects as, a plain login role (no superuser, no CREATEDB or CREATEROLE),
# and the database it owns. Graft never connects as the superuser.
set -euo pipefail
: "${GRAFT_DB_PASSWORD:?set GRAFT_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres --set=password="$GRAFT_DB_PASSWORD" <<'SQL'
CREATE ROLE graft LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'password';
CREATE DATABASE graft OWNER graft;
SQL
