#!/usr/bin/env bash
# Run a command with a throwaway Redis on 127.0.0.1 (Debian's redis-server), then stop it and
# remove its folder, also when the command fails or is interrupted. DJANGO_CACHE_URL points
# the command at it (database 0; the suite gives each of its workers a database of its own).
#   bash scripts/with-redis.sh pytest -q tests/test_caching.py
set -euo pipefail

REDIS_SERVER=$(command -v redis-server || true)
if [ -z "$REDIS_SERVER" ]; then
  echo "error: redis-server not found (run: make system-deps)" >&2
  exit 1
fi

# A free port on 127.0.0.1, so several checkouts can test at once.
REDIS_PORT=${REDIS_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}
REDIS_ROOT=$(mktemp -d /tmp/redis-hsitp.XXXXXX)

stop() {
  local pid
  pid=$(cat "$REDIS_ROOT/redis.pid" 2>/dev/null || true)
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$REDIS_ROOT"
}
trap stop EXIT

# No snapshots, no append-only file: a cache, thrown away with the folder.
"$REDIS_SERVER" --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_ROOT" --save "" \
  --appendonly no --daemonize yes --pidfile "$REDIS_ROOT/redis.pid" \
  --logfile "$REDIS_ROOT/redis.log" --databases 64 \
  || { cat "$REDIS_ROOT/redis.log" >&2 2>/dev/null; echo "error: redis-server did not start" >&2; exit 1; }
for _ in $(seq 50); do
  python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1', $REDIS_PORT), 0.2); s.sendall(b'PING\r\n'); sys.exit(0 if s.recv(16).startswith(b'+PONG') else 1)" 2>/dev/null && break
  sleep 0.1
done

echo "Redis $("$REDIS_SERVER" --version | awk '{print $3}' | sed 's/v=//') on 127.0.0.1:$REDIS_PORT"
export DJANGO_CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
"$@"
