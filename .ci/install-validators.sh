#!/usr/bin/env bash
# Installs the tools that .ci/validate.sh runs over frontline's output layers:
#   - GDAL's ogrinfo (Debian package gdal-bin), the reference GeoJSON reader of QGIS;
#   - @mapbox/geojsonhint, @placemarkio/check-geojson, ajv + ajv-formats (JSON Schema
#     draft 2020-12) and topojson-client, from npm into .ci/node/node_modules.
# Idempotent: does nothing that is already done. Meant for a fresh Debian 12 box, as root
# (CI runs as root); without root it only installs the npm part and says what is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if ! command -v ogrinfo >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "install-validators: installing gdal-bin (ogrinfo)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends gdal-bin
  else
    echo "install-validators: ogrinfo is missing and this is not root; run: apt-get install gdal-bin" >&2
    exit 1
  fi
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "install-validators: npm is missing (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

cd "$here/node"
# Reinstall only when the lock file is newer than the installed tree (npm writes
# node_modules/.package-lock.json on every install).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-validators: npm ci in .ci/node"
  # @mapbox/geojsonhint depends on @gerhobbelt/nomnom at a version npm cannot resolve;
  # package.json carries an "overrides" entry for it, which npm ci honours through the lock.
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "install-validators: ogrinfo $(ogrinfo --version | sed 's/^GDAL //; s/,.*//'), node $(node --version), validators in .ci/node/node_modules"
