#!/usr/bin/env bash
# Start a throwaway PostgreSQL (Debian's package) on a random loopback port.
# Usage: source scripts/throwaway_postgres.sh   -> exports TEST_POSTGRES_URL, PG_TMPDIR
#        pg_throwaway_stop                       -> stops it and removes its files
set -euo pipefail

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "installing PostgreSQL from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

PG_BIN=$(pg_bindir)
PG_TMPDIR=$(mktemp -d /tmp/syncstore-pg.XXXXXX)
chown postgres:postgres "$PG_TMPDIR"
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
su postgres -s /bin/sh -c "'$PG_BIN/initdb' -D '$PG_TMPDIR/data' -U postgres -A trust --no-sync -E UTF8 >/dev/null"
su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_TMPDIR/data' -l '$PG_TMPDIR/log' -w -o \"-p $PG_PORT -k '$PG_TMPDIR' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start >/dev/null"
export PG_TMPDIR PG_BIN
export TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
echo "PostgreSQL running on port $PG_PORT" >&2

pg_throwaway_stop() {
  su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_TMPDIR/data' -m immediate stop >/dev/null 2>&1" || true
  rm -rf "$PG_TMPDIR"
}
