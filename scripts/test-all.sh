#!/usr/bin/env bash
# The one test command: type-check, unit tests, a production build and end-to-end tests in Debian chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the end-to-end tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The end-to-end tests need Debian's chromium at $chromium. Install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

# Cross-checks against xarray and scikit-learn run on Debian's own Python (never a product dependency).
if ! /usr/bin/python3 -c 'import xarray, zarr, sklearn' 2>/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's python3-xarray, python3-zarr and python3-sklearn for the cross-checks..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-xarray python3-zarr python3-sklearn >/dev/null
  else
    echo "Note: the xarray and scikit-learn cross-checks will be skipped; install them with:" >&2
    echo "  sudo apt-get install -y python3-xarray python3-zarr python3-sklearn" >&2
  fi
fi

npm run --silent prepare-assets
npm run --silent typecheck
# Playwright empties test-results/ when it starts, so the reports live apart.
mkdir -p reports
npx vitest run --reporter=default --reporter=json --outputFile=reports/unit.json
npx vite build --logLevel warn
CI=1 PLAYWRIGHT_JSON_OUTPUT_NAME=reports/e2e.json npx playwright test --reporter=list,json || e2e_failed=1
node scripts/summarise-tests.mjs reports/unit.json reports/e2e.json
exit "${e2e_failed:-0}"
