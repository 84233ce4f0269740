#!/bin/sh
# Runs once, when the PostgreSQL volume is new: one database and owner each for Synapse
# and busbaan, passwords from the compose secrets. Synapse needs C collation.
set -eu
synapse_pw=$(cat /run/secrets/synapse_db_password)
busbaan_pw=$(cat /run/secrets/busbaan_db_password)
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE synapse LOGIN PASSWORD '${synapse_pw}';
CREATE DATABASE synapse OWNER synapse ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
CREATE ROLE busbaan LOGIN PASSWORD '${busbaan_pw}';
CREATE DATABASE busbaan OWNER busbaan ENCODING 'UTF8' TEMPLATE template0;
SQL
