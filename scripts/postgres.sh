#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the tests on localhost:55432 (trust auth, user "postgres"); its own port
# leaves any system cluster on 5432 alone.
# Installs Debian's postgresql when the machine has none. Safe to run twice.
set -euo pipefail

PGDATA_DIR="${PGDATA_DIR:-/tmp/medusa-pw-pgdata}"
PGPORT="${DB_PORT:-55432}"

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

if ! BIN=$(find_bin); then
  echo "postgres: not found, installing Debian's postgresql"
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  BIN=$(find_bin)
fi

if "$BIN/pg_isready" -h localhost -p "$PGPORT" -q 2>/dev/null; then
  echo "postgres: already accepting connections on localhost:$PGPORT"
  exit 0
fi

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A machine handed back after a stop keeps the data directory but not the server: drop a stale pid file.
if [ -f "$PGDATA_DIR/postmaster.pid" ] && ! pgrep -u postgres -x postgres >/dev/null 2>&1; then
  rm -f "$PGDATA_DIR/postmaster.pid"
fi

if [ ! -s "$PGDATA_DIR/PG_VERSION" ]; then
  mkdir -p "$PGDATA_DIR"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$PGDATA_DIR"
  as_pg "$BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 >/dev/null
fi

# fsync off: a test database that dies with the machine needs no durability, and it halves migration time.
as_pg "$BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
  -o "-p $PGPORT -c listen_addresses=localhost -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -k /tmp" start >/dev/null
"$BIN/pg_isready" -h localhost -p "$PGPORT"
