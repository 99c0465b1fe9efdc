#!/usr/bin/env bash
# Run the ADL LRS conformance suite against Cairn's LRS on a fresh database.
#
#   conformance/xapi.sh SUITE_DIR VERSION [sqlite|postgres] [GREP]
#
# SUITE_DIR is a local copy of adlnet/lrs-conformance-test-suite with its npm
# dependencies installed (`npm install --no-audit --no-fund`); VERSION is 1.0.3 or
# 2.0.0. The suite writes and never voids, so every run gets a new database:
# var/xapi-conformance.sqlite3, or the PostgreSQL database xapi_conformance on
# $POSTGRES_SERVER (default postgres://postgres@127.0.0.1:5432). Cairn is served by
# gunicorn on 127.0.0.1:$PORT (default 8731). The last line printed is the suite's
# summary, {"total":…,"passed":…,"failed":…}; the exit status is 0 only if nothing
# failed.
set -euo pipefail

SUITE=${1:?usage: conformance/xapi.sh SUITE_DIR VERSION [sqlite|postgres] [GREP]}
VERSION=${2:?version 1.0.3 or 2.0.0}
DATABASE=${3:-sqlite}
GREP=${4:-}
PORT=${PORT:-8731}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON="$ROOT/.venv/bin/python"

case "$DATABASE" in
    sqlite)
        rm -f "$ROOT/var/xapi-conformance.sqlite3"
        export DATABASE_URL="sqlite:///$ROOT/var/xapi-conformance.sqlite3"
        ;;
    postgres)
        SERVER=${POSTGRES_SERVER:-postgres://postgres@127.0.0.1:5432}
        psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS xapi_conformance" >/dev/null
        psql "$SERVER/postgres" -qc "CREATE DATABASE xapi_conformance" >/dev/null
        export DATABASE_URL="$SERVER/xapi_conformance"
        ;;
    *) echo "database must be sqlite or postgres" >&2; exit 2 ;;
esac
# The suite checks the version an answer declares when a request names none.
export CAIRN_LRS_DEFAULT_VERSION="$VERSION"
export CAIRN_SECRET_KEY=${CAIRN_SECRET_KEY:-conformance-run-only-not-a-secret}
export CAIRN_ALLOWED_HOSTS=127.0.0.1,localhost
export CAIRN_SITE_URL="http://127.0.0.1:$PORT"
# Served over plain HTTP on the loopback for the suite only.
export CAIRN_SSL_REDIRECT=0

cd "$ROOT"
"$PYTHON" manage.py migrate --no-input -v0
CREDENTIALS=$("$PYTHON" manage.py lrs_client --name "xAPI conformance $VERSION")
KEY=$(echo "$CREDENTIALS" | sed -n 's/^key=//p')
SECRET=$(echo "$CREDENTIALS" | sed -n 's/^secret=//p')

"$ROOT/.venv/bin/gunicorn" config.wsgi -w 2 -b "127.0.0.1:$PORT" \
    --log-level warning >"$ROOT/var/xapi-conformance-server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
    curl -fs "http://127.0.0.1:$PORT/xapi/about" >/dev/null && break
    sleep 0.2
done

cd "$SUITE"
ARGS=(-e "http://127.0.0.1:$PORT/xapi" -a -u "$KEY" -p "$SECRET" -x "$VERSION")
if [ -n "$GREP" ]; then
    ARGS+=(-g "$GREP")
fi
OUTPUT="$ROOT/var/xapi-conformance-$VERSION-$DATABASE.out"
node bin/console_runner.js "${ARGS[@]}" >"$OUTPUT" 2>&1 || true
echo "suite commit: $(git -C "$SUITE" rev-parse HEAD 2>/dev/null || echo unknown)"
echo "full output: $OUTPUT"
SUMMARY=$(grep '"total"' "$OUTPUT" | tail -1)
echo "$SUMMARY"
case "$SUMMARY" in
    *'"failed":0'*) exit 0 ;;
    *) exit 1 ;;
esac
