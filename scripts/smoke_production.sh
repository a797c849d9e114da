#!/usr/bin/env bash
# Production smoke test: the README's production steps, run as written, on this machine.
#
#   scripts/smoke_production.sh             (CI runs it from .ci/run)
#
# 1. A fresh PostgreSQL database, and Redis on 127.0.0.1:6379 (started if it is not answering).
# 2. The README's production environment (config.settings.production, a generated SECRET_KEY).
# 3. The README's commands: check --deploy --fail-level WARNING, migrate, collectstatic --noinput.
# 4. gunicorn on a loopback port: /sign-in/ and each of its stylesheets fetched with curl through
#    a request carrying the HTTPS proxy header (X-Forwarded-Proto: https); without the header the
#    service must redirect to HTTPS.
# 5. The Celery worker with beat (`celery -A config worker -B`) must start and answer
#    `celery -A config inspect ping`.
# Everything it started (gunicorn, the worker, Redis, the database, its temporary folder) is
# stopped or removed on exit, whether it passed or failed.
#
# Environment: VENV (default .venv), PG_HOST/PG_PORT (127.0.0.1:5432, user postgres),
# REDIS_HOST/REDIS_PORT (127.0.0.1:6379).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV=${VENV:-.venv}
BIN="$VENV/bin"
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
HOST_NAME=send.example.gov.uk

say() { printf 'smoke: %s\n' "$*"; }
fail() { printf 'smoke: FAILED: %s\n' "$*" >&2; exit 1; }

for tool in "$BIN/python" "$BIN/gunicorn" "$BIN/celery"; do
  [ -x "$tool" ] || fail "$tool is missing (install the project first: make install)"
done
command -v curl >/dev/null || fail "curl is not installed"
command -v psql >/dev/null || fail "psql is not installed"

tmp=$(mktemp -d -t send-smoke.XXXXXX)
db="send_smoke_$$"
PSQL=(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q)
gunicorn_pid=
worker_pid=
redis_started=

cleanup() {
  local status=$?
  set +e
  for pid in $gunicorn_pid $worker_pid; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in $gunicorn_pid $worker_pid; do
    # Give each a few seconds to stop cleanly, then make sure it has gone.
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [ -n "$redis_started" ] && [ -f "$tmp/redis.pid" ]; then
    kill -TERM "$(cat "$tmp/redis.pid")" 2>/dev/null
  fi
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS ${db} WITH (FORCE)" >/dev/null 2>&1
  if [ "$status" -ne 0 ]; then
    for log in gunicorn worker; do
      if [ -s "$tmp/$log.log" ]; then
        printf '\nsmoke: last lines of the %s log:\n' "$log" >&2
        tail -n 40 "$tmp/$log.log" >&2
      fi
    done
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

redis_ping() {
  "$BIN/python" - "$REDIS_HOST" "$REDIS_PORT" <<'PY' >/dev/null 2>&1
import sys

import redis

redis.Redis(host=sys.argv[1], port=int(sys.argv[2]), socket_timeout=2).ping()
PY
}

# -- 1. PostgreSQL and Redis ---------------------------------------------------------------------
pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || fail "PostgreSQL is not answering on $PG_HOST:$PG_PORT"
"${PSQL[@]}" -c "CREATE DATABASE ${db}"
say "created database ${db}"

if ! redis_ping; then
  command -v redis-server >/dev/null || fail "Redis is not answering and redis-server is not installed"
  say "Redis is not answering on $REDIS_HOST:$REDIS_PORT; starting it"
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" \
    --appendonly no --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" >/dev/null
  redis_started=1
  for _ in $(seq 1 20); do redis_ping && break; sleep 0.5; done
  redis_ping || fail "Redis did not start"
fi
# A database number of its own, so a smoke run never shares a queue with another one.
redis_db=$(( $$ % 15 + 1 ))

# -- 2. The README's production environment ----------------------------------------------------
export DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(64))')"
export SECRET_KEY
export ALLOWED_HOSTS="$HOST_NAME" CSRF_TRUSTED_ORIGINS="https://$HOST_NAME"
export SITE_URL="https://$HOST_NAME"
export SOURCE_CODE_URL=https://example.org/your-fork-of-send-casework
export DATABASE_URL="postgres://postgres@${PG_HOST}:${PG_PORT}/${db}"
export CELERY_BROKER_URL="redis://${REDIS_HOST}:${REDIS_PORT}/${redis_db}"
# Kept out of the checkout: a full collect is about 150 MB.
export STATIC_ROOT="$tmp/staticfiles"
unset DEBUG CELERY_TASK_ALWAYS_EAGER

# -- 3. The README's commands ---------------------------------------------------------------
say "manage.py check --deploy --fail-level WARNING"
"$BIN/python" manage.py check --deploy --fail-level WARNING
say "manage.py migrate"
"$BIN/python" manage.py migrate --verbosity 0
say "manage.py collectstatic --noinput"
"$BIN/python" manage.py collectstatic --noinput --verbosity 1

# -- 4. gunicorn, behind an (imagined) HTTPS proxy --------------------------------------------
port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "gunicorn config.wsgi:application on 127.0.0.1:$port"
"$BIN/gunicorn" config.wsgi:application --bind "127.0.0.1:$port" --workers 2 \
  --access-logfile - --error-logfile - >"$tmp/gunicorn.log" 2>&1 &
gunicorn_pid=$!

base="http://127.0.0.1:$port"
fetch() {  # fetch PATH [curl options...]: the response headers to stdout, the body to $tmp/body
  local path=$1
  shift
  curl --silent --show-error --max-time 20 --dump-header - --output "$tmp/body" \
    --header "Host: $HOST_NAME" "$@" "$base$path"
}
for _ in $(seq 1 60); do
  kill -0 "$gunicorn_pid" 2>/dev/null || fail "gunicorn exited"
  curl --silent --output /dev/null --max-time 2 "$base/" && break
  sleep 0.5
done

headers=$(fetch /sign-in/)
status=$(printf '%s' "$headers" | head -n 1 | tr -d '\r')
case "$status" in
  "HTTP/1.1 301"*) ;;
  *) fail "GET /sign-in/ without X-Forwarded-Proto should redirect to HTTPS, got: $status" ;;
esac
printf '%s' "$headers" | grep -qi "^location: https://$HOST_NAME/sign-in/" \
  || fail "the redirect without X-Forwarded-Proto does not go to https://$HOST_NAME/sign-in/"
say "plain HTTP is redirected to HTTPS"

headers=$(fetch /sign-in/ --header "X-Forwarded-Proto: https")
status=$(printf '%s' "$headers" | head -n 1 | tr -d '\r')
[[ "$status" == "HTTP/1.1 200"* ]] || fail "GET /sign-in/ over HTTPS: $status"
printf '%s' "$headers" | grep -qi '^strict-transport-security: max-age=' \
  || fail "GET /sign-in/ has no Strict-Transport-Security header"
grep -q 'name="password"' "$tmp/body" || fail "GET /sign-in/ does not show the sign-in form"
say "GET /sign-in/ (X-Forwarded-Proto: https): 200 with the sign-in form and HSTS"

mapfile -t stylesheets < <(
  grep -o '<link rel="stylesheet" href="[^"]*"' "$tmp/body" | sed 's/.*href="\([^"]*\)"/\1/'
)
[ "${#stylesheets[@]}" -gt 0 ] || fail "the sign-in page links no stylesheet"
for href in "${stylesheets[@]}"; do
  # Hashed by the manifest storage, e.g. /static/css/app.3f2a1b4c5d6e.css
  [[ "$href" =~ ^/static/.+\.[0-9a-f]{12}\.css$ ]] || fail "stylesheet $href is not a hashed static file"
  headers=$(fetch "$href" --header "X-Forwarded-Proto: https" --compressed)
  status=$(printf '%s' "$headers" | head -n 1 | tr -d '\r')
  [[ "$status" == "HTTP/1.1 200"* ]] || fail "GET $href: $status"
  printf '%s' "$headers" | grep -qi '^content-type: text/css' || fail "GET $href is not text/css"
  [ -s "$tmp/body" ] || fail "GET $href is empty"
  say "GET $href: 200 text/css, $(wc -c <"$tmp/body") bytes"
done

# -- 5. The Celery worker, with beat ---------------------------------------------------------
worker_name="smoke-$$@$(hostname)"
say "celery -A config worker -B ($worker_name, broker $CELERY_BROKER_URL)"
"$BIN/celery" -A config worker -B --hostname "$worker_name" --concurrency 1 --loglevel INFO \
  --schedule "$tmp/celerybeat-schedule" >"$tmp/worker.log" 2>&1 &
worker_pid=$!
answered=
for _ in $(seq 1 30); do
  kill -0 "$worker_pid" 2>/dev/null || fail "the Celery worker exited"
  if "$BIN/celery" -A config inspect ping --destination "$worker_name" --timeout 2 \
    >"$tmp/ping.log" 2>&1; then
    answered=1
    break
  fi
  sleep 1
done
[ -n "$answered" ] || { cat "$tmp/ping.log" >&2; fail "the Celery worker did not answer a ping"; }
grep -q "pong" "$tmp/ping.log" || { cat "$tmp/ping.log" >&2; fail "no pong from the worker"; }
say "celery -A config inspect ping: $worker_name answered pong"

say "passed"
