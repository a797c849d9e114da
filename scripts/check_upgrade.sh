#!/usr/bin/env bash
# Upgrade check: a database loaded by the previous version's `load_demo` migrates to this
# version and then serves every page, as every demo user, without a server error.
#
#   scripts/check_upgrade.sh                 (or `make check-upgrade`; CI runs it from .ci/run)
#   UPGRADE_FROM=<commit> scripts/check_upgrade.sh
#
# 1. The previous version, UPGRADE_FROM (default: the commit pinned below), is checked out in a
#    temporary git worktree. A shallow clone that lacks it fails with a message saying so.
# 2. In that worktree, with this checkout's virtualenv: `manage.py migrate` and
#    `manage.py load_demo` into a fresh PostgreSQL database, with a temporary MEDIA_ROOT (the
#    issued plans and letters are rendered in-process and stored there).
# 3. In this checkout, on the same database and MEDIA_ROOT: `manage.py migrate`, then
#    `manage.py site_walk` as each demo login the old load_demo printed: every page without
#    parameters, then every link on every page (cases, tasks, advice, plans, documents ...),
#    failing on any 5xx or exception, on a file missing from storage, or if no PDF was served.
# Both runs use config.settings.local (FileSystemStorage under MEDIA_ROOT, demo data allowed)
# with DEBUG off. The database, the worktree and the temporary folder are removed on exit.
#
# Environment: UPGRADE_FROM (a commit, tag or branch), UPGRADE_CHILDREN (children the old
# load_demo loads, default 40), UPGRADE_PER_ROUTE (URLs of one route opened per person,
# default 8), UPGRADE_DB (the database to create; default send_upgrade_<pid>; it must not exist),
# VENV (default .venv), PG_HOST/PG_PORT (127.0.0.1:5432, user postgres).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The version before the data model redesign of issue 8. Move it forward when a release ships.
UPGRADE_FROM=${UPGRADE_FROM:-f51c854}
UPGRADE_CHILDREN=${UPGRADE_CHILDREN:-40}
UPGRADE_PER_ROUTE=${UPGRADE_PER_ROUTE:-8}
VENV=${VENV:-.venv}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
db=${UPGRADE_DB:-send_upgrade_$$}

say() { printf 'upgrade: %s\n' "$*"; }
fail() { printf 'upgrade: FAILED: %s\n' "$*" >&2; exit 1; }

[ -x "$VENV/bin/python" ] || fail "$VENV/bin/python is missing (install the project first: make install)"
PY=$(cd "$VENV/bin" && pwd)/python
command -v psql >/dev/null || fail "psql is not installed"
[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || fail "UPGRADE_DB must be a plain lower-case name, not $db"

if ! from=$(git rev-parse --verify --quiet "${UPGRADE_FROM}^{commit}"); then
  if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    fail "commit $UPGRADE_FROM is not in this shallow clone: fetch the history first" \
      "(git fetch --unshallow) or set UPGRADE_FROM to a commit it has"
  fi
  fail "commit $UPGRADE_FROM is not in this clone (set UPGRADE_FROM to the previous version)"
fi
git merge-base --is-ancestor "$from" HEAD \
  || say "note: $UPGRADE_FROM is not an ancestor of HEAD; checking an upgrade from it anyway"

tmp=$(mktemp -d -t send-upgrade.XXXXXX)
old="$tmp/previous"
PSQL=(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q)
db_created=
cleanup() {
  local status=$?
  set +e
  if [ -n "$db_created" ]; then
    "${PSQL[@]}" -c "DROP DATABASE IF EXISTS ${db} WITH (FORCE)" >/dev/null 2>&1
  fi
  if [ -d "$old" ] && ! git worktree remove --force "$old" >/dev/null 2>&1; then
    rm -rf "$old"
    git worktree prune >/dev/null 2>&1
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$SECONDS
took() { printf '%ss' "$((SECONDS - started))"; }

# -- 1. The previous version ---------------------------------------------------------------------
git worktree add --quiet --detach "$old" "$from"
say "previous version $(git log -1 --format='%h %s' "$from" | cut -c1-100)"
say "checked out in $old"

pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || fail "PostgreSQL is not answering on $PG_HOST:$PG_PORT"
"${PSQL[@]}" -c "CREATE DATABASE ${db}"
db_created=1
# A throwaway database: no need to wait for each commit to reach the disk.
"${PSQL[@]}" -c "ALTER DATABASE ${db} SET synchronous_commit TO off"
say "created database ${db}"

export DJANGO_SETTINGS_MODULE=config.settings.local
export DATABASE_URL="postgres://postgres@${PG_HOST}:${PG_PORT}/${db}"
export MEDIA_ROOT="$tmp/media"
export DEBUG=0 CELERY_TASK_ALWAYS_EAGER=1
# The demo sends a few dozen e-mails; keep them out of the log.
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
unset SECRET_KEY
mkdir -p "$MEDIA_ROOT"

# -- 2. The previous version migrates and loads the demo ----------------------------------------
imported=$(cd "$old" && "$PY" -c 'import ehcp, os; print(os.path.dirname(os.path.dirname(os.path.abspath(ehcp.__file__))))')
[ "$imported" = "$(cd "$old" && pwd)" ] \
  || fail "the virtualenv imports the apps from $imported, not from the previous version's tree"
say "previous version: manage.py migrate ($(took))"
(cd "$old" && "$PY" manage.py migrate --noinput --verbosity 0)
say "previous version: manage.py load_demo --children $UPGRADE_CHILDREN ($(took))"
(cd "$old" && "$PY" manage.py load_demo --children "$UPGRADE_CHILDREN") >"$tmp/load_demo.log" 2>&1 \
  || { tail -n 40 "$tmp/load_demo.log" >&2; fail "the previous version's load_demo failed"; }
grep -E '^Loaded ' "$tmp/load_demo.log" | sed 's/^/upgrade:   /' || true

# The demo logins it printed: the rows of the table under "Demo logins:", after the dashes.
mapfile -t logins < <(
  awk '/^Demo logins:/ { table = 1; next }
       table && /^  -/ { rows = 1; next }
       rows && /^  [^ ]/ { print $1; next }
       rows { exit }' "$tmp/load_demo.log"
)
[ "${#logins[@]}" -gt 0 ] || { tail -n 20 "$tmp/load_demo.log" >&2; fail "no demo logins in load_demo's output"; }
say "demo logins: ${logins[*]}"
documents=$(find "$MEDIA_ROOT" -type f | wc -l)
say "files stored under MEDIA_ROOT: $documents ($(took))"

# -- 3. This version migrates the same database and serves every page ---------------------------
say "this version: manage.py migrate ($(took))"
"$PY" manage.py migrate --noinput
say "this version: manage.py site_walk ($(took))"
walk_args=()
for login in "${logins[@]}"; do walk_args+=(--user "$login"); done
"$PY" manage.py site_walk --per-route "$UPGRADE_PER_ROUTE" "${walk_args[@]}"

say "passed in $(took): $UPGRADE_FROM -> $(git rev-parse --short HEAD)"
