#!/usr/bin/env bash
# Regenerates docs/demo-map.png (the README's picture) from the project itself: builds the
# demo as of 2021-04-22 (during the clashes: al-Tay and Kilo contested, the NDF's claim on
# Allaya) as an offline page and screenshots it in headless Chromium.
# Needs: bash .ci/install-browser.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run --quiet -- build examples/qamishli --as-of 2021-04-22 --since all --format html \
  --leaflet .ci/browser/node_modules/leaflet/dist --out "$out"
mkdir -p docs
(cd .ci/browser && node screenshot.mjs "$out/map.html" ../../docs/demo-map.png 1200x760)
echo "wrote docs/demo-map.png"
