#!/usr/bin/env bash
# Runs a command against a throw-away Postgres (apt's postgresql) on a free loopback port:
#   scripts/with-postgres.sh npm test
# initdb/pg_ctl refuse root, so the server runs as the `postgres` user. DATABASE_URL is set for the command.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || { echo "with-postgres: no Postgres server found; install it: apt-get install -y postgresql" >&2; exit 2; }
port=${PGPORT_TEST:-$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
dir=$(mktemp -d /tmp/zk-pg.XXXXXX)
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
cleanup() { run_pg "'$pgbin/pg_ctl' -D '$dir/data' -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
run_pg "'$pgbin/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
run_pg "'$pgbin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-p $port -c listen_addresses=127.0.0.1 -k '$dir' -c max_connections=300 -c fsync=on\" start" >/dev/null
echo "with-postgres: Postgres $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres" "$@"
