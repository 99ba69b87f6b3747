#!/usr/bin/env bash
# `npm test`: the integration suite (on PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set, on embedded
# PGlite otherwise), then one production build for the server tests (PostgreSQL only) and the browser suite in
# Chromium.
# Tests create their own databases (<name>_vitest, <name>_e2e) beside the one named; they never touch it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

echo "== Type check"
npx tsc --noEmit

BASE_URL="${TEST_DATABASE_URL:-${DATABASE_URL:-}}"
unset DATABASE_URL
if [ -n "$BASE_URL" ]; then
  TEST_DATABASE_URL="$(node scripts/test-db.mjs "$BASE_URL" "vitest${TEST_DB_SUFFIX:-}")"
  export TEST_DATABASE_URL
  echo "== Integration tests on PostgreSQL ($TEST_DATABASE_URL)"
else
  echo "== Integration tests on embedded PGlite (set DATABASE_URL or TEST_DATABASE_URL to run them on PostgreSQL)"
fi
npx vitest run
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "== Fault tests (database restart, exhausted pool, concurrent start-up): one at a time"
  npx vitest run -c vitest.faults.config.ts
fi

CHROME="${PANGOLIN_CHROMIUM:-/usr/bin/chromium}"
HAVE_CHROME=1
if [ ! -x "$CHROME" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: no Chromium at $CHROME; the browser tests cannot run. Install it: apt-get install chromium" >&2
    exit 1
  fi
  HAVE_CHROME=0
fi
if [ "$HAVE_CHROME" = 0 ] && [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo "== SKIPPED the browser tests: no Chromium at $CHROME."
  echo "   Install it (Debian/Ubuntu: sudo apt-get install chromium) or point PANGOLIN_CHROMIUM at one, then run npm test again."
  exit 0
fi

echo "== Building the console once for the server and browser tests"
npx next build

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "== Server tests on the build (graceful shutdown, metrics, three instances behind HAProxy): one at a time"
  npx vitest run -c vitest.server.config.ts
fi

if [ "$HAVE_CHROME" = 0 ]; then
  echo "== SKIPPED the browser tests: no Chromium at $CHROME."
  echo "   Install it (Debian/Ubuntu: sudo apt-get install chromium) or point PANGOLIN_CHROMIUM at one, then run npm test again."
  exit 0
fi
if [ -n "$BASE_URL" ]; then
  E2E_DATABASE_URL="$(node scripts/test-db.mjs "$BASE_URL" "e2e${TEST_DB_SUFFIX:-}")"
  export E2E_DATABASE_URL
  echo "== Browser tests on PostgreSQL ($E2E_DATABASE_URL)"
else
  echo "== Browser tests on embedded PGlite"
fi
npx playwright test
