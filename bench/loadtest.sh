#!/usr/bin/env bash
# `make loadtest` (bench/README.md, "Load test"): the public site under load while an editor
# saves in the admin. Runs inside scripts/with-postgres.sh (DATABASE_URL: a throwaway cluster):
#   1. migrate, collect static files, import the seeds, load the curated fixtures, add
#      synthetic history with generate_history when the project has it (else carry on);
#   2. gunicorn, 2 workers, on 127.0.0.1 only (started with &, stopped by its PID);
#   3. wrk, LOADTEST_CONNECTIONS (50) connections for LOADTEST_SECONDS (60), rotating over
#      public pages (bench/loadtest.lua), while bench/editor_session.py logs in as a
#      publisher and saves a milestone every 0.5 s (at most 200 saves);
#      (LOADTEST_EDITOR=0: readers only, for comparison; LOADTEST_PUBLISH=1: each change
#      published at once, not held for review);
#   4. prints the figures, writes them to artifacts/loadtest.json, and fails unless there
#      were no errors: no socket errors, no response outside 2xx/3xx, no failed save.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?run through scripts/with-postgres.sh (make loadtest)}"
SECONDS_OF_LOAD=${LOADTEST_SECONDS:-60}
CONNECTIONS=${LOADTEST_CONNECTIONS:-50}
SYNTHETIC_MILESTONES=${LOADTEST_MILESTONES:-500}
SYNTHETIC_MEETINGS=${LOADTEST_MEETINGS:-50}
PY=${PY:-.venv/bin/python}
GUNICORN=${GUNICORN:-.venv/bin/gunicorn}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing wrk (Debian package)..."
    apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
  else
    echo "error: wrk is missing: sudo apt-get install wrk" >&2
    exit 1
  fi
fi

WORK=$(mktemp -d /tmp/hsitp-loadtest.XXXXXX)
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
GUNICORN_PID=""
EDITOR_PID=""
stop() {
  [ -n "$EDITOR_PID" ] && kill "$EDITOR_PID" 2>/dev/null || true
  if [ -n "$GUNICORN_PID" ]; then
    kill "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap stop EXIT

# Production settings, over plain HTTP on 127.0.0.1.
export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY="loadtest-only-$($PY -c 'import secrets; print(secrets.token_urlsafe(32))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SESSION_COOKIE_SECURE=false
export DJANGO_MEDIA_ROOT="$WORK/media" DJANGO_STATIC_ROOT="$WORK/static" DJANGO_CACHE_DIR="$WORK/cache"
export DJANGO_CONN_MAX_AGE=${DJANGO_CONN_MAX_AGE:-60}
export DJANGO_LOG_LEVEL=ERROR DJANGO_SETTINGS_MODULE=hsitp_site.settings PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

echo "== Preparing the database ($(echo "$DATABASE_URL" | sed 's|//[^@]*@|//|'))"
$PY manage.py migrate --no-input -v 0
$PY manage.py collectstatic --no-input -v 0
$PY manage.py import_seeds -v 0
$PY manage.py load_curated -v 0
if $PY manage.py help generate_history >/dev/null 2>&1; then
  $PY manage.py generate_history --milestones "$SYNTHETIC_MILESTONES" --meetings "$SYNTHETIC_MEETINGS" \
    || echo "warning: generate_history failed; carrying on with the seeds and fixtures" >&2
else
  echo "(no generate_history command: the seeds and the curated fixtures only)"
fi
PASSWORD=$($PY -c 'import secrets; print(secrets.token_urlsafe(24))')
LOADTEST_PASSWORD="$PASSWORD" $PY - <<'PY'
import os
import django
django.setup()
from django.contrib.auth.models import Group, User
user = User.objects.create_user("loadtest-editor", password=os.environ["LOADTEST_PASSWORD"], is_staff=True)
user.groups.add(Group.objects.get(name="Publisher"))
PY
# The pages wrk rotates over: lists and machine endpoints, and real detail pages.
LOADTEST_PATHS="$WORK/paths.txt" $PY - <<'PY'
import os
import django
django.setup()
from meetings.models import Meeting, Organization, Person
from milestones.models import Milestone
pages = ["/", "/milestones/", "/meetings/", "/people/", "/organisations/", "/search/?q=loop",
         "/milestones/?year=2021", "/meetings/?mode=video"]
paths = [prefix + page for page in pages for prefix in ("", "/zh-hant")]
paths += ["/api/", "/api/milestones/", "/api/milestones/?page=2", "/api/meetings/",
          "/api/timeline.json", "/api/milestones.csv", "/api/meetings.csv", "/meetings.ics",
          "/feeds/milestones/", "/feeds/meetings/atom/", "/sitemap.xml", "/robots.txt"]
for model, count in [(Milestone, 40), (Meeting, 10)]:
    for item in model.objects.published().order_by("?")[:count]:
        paths += [item.get_absolute_url(), "/zh-hant" + item.get_absolute_url()]
for model in (Person, Organization):
    paths += [item.get_absolute_url() for item in model.objects.public().order_by("?")[:10]]
with open(os.environ["LOADTEST_PATHS"], "w") as handle:
    handle.write("\n".join(paths) + "\n")
print(f"{len(paths)} paths; {Milestone.objects.published().count()} published milestones, "
      f"{Meeting.objects.published().count()} published meetings")
PY

echo "== Starting gunicorn (2 workers) on $BASE"
$GUNICORN hsitp_site.wsgi --bind "127.0.0.1:$PORT" --workers 2 --timeout 30 \
  --error-logfile "$WORK/gunicorn.log" &
GUNICORN_PID=$!
$PY - "$BASE" <<'PY'
import sys, time, urllib.request
for _ in range(150):
    try:
        urllib.request.urlopen(sys.argv[1] + "/robots.txt", timeout=2)
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("gunicorn did not answer within 30 s")
PY

echo "== wrk: $CONNECTIONS connections for ${SECONDS_OF_LOAD}s$([ "${LOADTEST_EDITOR:-1}" = 0 ] && echo ", readers only" || echo ", with an editor saving every 0.5 s")"
if [ "${LOADTEST_EDITOR:-1}" = 0 ]; then  # for comparison: readers only
  echo '{"saves": 0, "errors": 0, "skipped": true}' >"$WORK/editor.json"
  : >"$WORK/editor.out"
else
  $PY bench/editor_session.py --base "$BASE" --username loadtest-editor --password "$PASSWORD" \
    --duration "$SECONDS_OF_LOAD" --interval 0.5 --max-saves 200 --output "$WORK/editor.json" \
    $([ "${LOADTEST_PUBLISH:-0}" = 1 ] && echo --publish) \
    >"$WORK/editor.out" 2>&1 &
  EDITOR_PID=$!
fi
LOADTEST_PATHS="$WORK/paths.txt" wrk -t 2 -c "$CONNECTIONS" -d "${SECONDS_OF_LOAD}s" --timeout 10s \
  --latency -s bench/loadtest.lua "$BASE" | tee "$WORK/wrk.txt"
EDITOR_STATUS=0
if [ -n "$EDITOR_PID" ]; then
  wait "$EDITOR_PID" || EDITOR_STATUS=$?
  EDITOR_PID=""
fi
cat "$WORK/editor.out"

mkdir -p artifacts
$PY - "$WORK/wrk.txt" "$WORK/editor.json" "$CONNECTIONS" "$SECONDS_OF_LOAD" "$EDITOR_STATUS" <<'PY'
import json, platform, sys
from pathlib import Path
wrk_file, editor_file, connections, seconds, editor_status = sys.argv[1:]
load = json.loads(next(l for l in Path(wrk_file).read_text().splitlines() if l.startswith("{")))
editor = json.loads(Path(editor_file).read_text()) if Path(editor_file).exists() else {
    "saves": 0, "errors": 1, "first_errors": ["the editor session did not finish"]}
errors = sum(load[k] for k in ("non_2xx_3xx", "connect_errors", "read_errors", "write_errors", "timeouts"))
result = {"connections": int(connections), "seconds": int(seconds), "load": load,
          "errors": errors, "editor": editor, "machine": platform.platform()}
Path("artifacts/loadtest.json").write_text(json.dumps(result, indent=1) + "\n")
print("\n== Load test")
print(f"{load['requests']} requests in {load['seconds']} s: {load['rps']:.0f} requests/s, "
      f"p50 {load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms, max {load['max_ms']:.0f} ms")
print(f"errors: {errors} (non-2xx/3xx {load['non_2xx_3xx']}, connect {load['connect_errors']}, "
      f"read {load['read_errors']}, write {load['write_errors']}, timeouts {load['timeouts']})")
print(f"editor: {editor['saves']} saves, {editor['errors']} errors, save p50 "
      f"{editor.get('save_p50_ms')} ms, p99 {editor.get('save_p99_ms')} ms")
print("(written to artifacts/loadtest.json)")
editor_ok = editor.get("skipped") or (
    editor["errors"] == 0 and editor["saves"] > 0 and editor_status == "0")
sys.exit(0 if errors == 0 and editor_ok else 1)
PY
