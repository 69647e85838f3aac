#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on 127.0.0.1, then remove the cluster,
# also when the command fails or is interrupted. DATABASE_URL points the command at it.
#   bash scripts/with-postgres.sh pytest -q
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "error: PostgreSQL server binaries not found under /usr/lib/postgresql (run: make system-deps)" >&2
  exit 1
fi

# A free port on 127.0.0.1, so several checkouts can test at once.
PGPORT=${PGPORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}
PGROOT=$(mktemp -d /tmp/pg-hsitp.XXXXXX)
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$PGROOT"
  RUN_AS=(runuser -u postgres --)
fi

stop() {
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PGROOT"
}
trap stop EXIT

"${RUN_AS[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 -N >"$PGROOT/initdb.log" 2>&1 \
  || { cat "$PGROOT/initdb.log" >&2; echo "error: initdb failed" >&2; exit 1; }
# random_page_cost = 1.1, as README.md ("Deploying on PostgreSQL") recommends for a server
# on SSDs: the suite and the benchmark run the plans a deployment following it gets (the
# default, 4, makes PostgreSQL count a common word's matches by reading the whole table:
# bench/README.md, "Search at 100,000 milestones").
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c random_page_cost=1.1" start >/dev/null \
  || { cat "$PGROOT/server.log" >&2; echo "error: PostgreSQL did not start" >&2; exit 1; }
# The suite's role gets CREATEDB and nothing more, as the README asks of a developer's own
# role, so that a test needing more (e.g. pg_signal_backend, see _drop_postgres in
# tests/scratch_db.py) fails here too and not only on their cluster.
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -q -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app" >/dev/null

echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT"
export DATABASE_URL="postgres://app:app@127.0.0.1:$PGPORT/app"
"$@"
