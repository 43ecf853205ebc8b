#!/usr/bin/env bash
# Installs what the browser tests (tests/integration/browser.rs → .ci/browser/test.mjs) need:
#   - Debian's chromium (headless, driven by playwright-core with executablePath /usr/bin/chromium;
#     playwright's own browser download is never used), plus Noto fonts for Arabic-script labels;
#   - playwright-core, leaflet@1.9.4 (its dist/ is inlined into the offline test page) and
#     topojson-client, from npm into .ci/browser/node_modules (npm ci against the lock file).
# Idempotent. Meant for a fresh Debian 12 box as root (CI runs as root).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "install-browser: installing chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends chromium fonts-noto-core fonts-dejavu-core
  else
    echo "install-browser: /usr/bin/chromium is missing and this is not root; run: apt-get install chromium" >&2
    exit 1
  fi
fi

cd "$here/browser"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-browser: npm ci in .ci/browser"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null | head -1), playwright-core $(node -p "require('./node_modules/playwright-core/package.json').version")"
