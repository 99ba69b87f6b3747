#!/usr/bin/env bash
# A short pass on the embedded default: migrations and auth on PGlite, then the production build started on a
# fresh PGlite directory and signed into in Chromium. Reuses an existing build.
set -euo pipefail
cd "$(dirname "$0")/.."
unset DATABASE_URL TEST_DATABASE_URL E2E_DATABASE_URL
export NEXT_TELEMETRY_DISABLED=1
npx vitest run tests/migrations.test.ts tests/auth.test.ts tests/audit-chain.test.ts tests/jobs.test.ts
[ -f "${NEXT_DIST_DIR:-.next}/BUILD_ID" ] || npx next build
npx playwright test e2e/sign-in.spec.ts
