#!/usr/bin/env bash
# Validate every *.geojson layer in OUTDIR with independent tools, as a user's tools would read it:
#   1. GDAL: `ogrinfo -ro -al -so` must succeed and print no ERROR/Warning;
#   2. @mapbox/geojsonhint (structure, RFC 7946 winding, <= 6 decimals) must report nothing;
#   3. @placemarkio/check-geojson must report nothing;
#   4. data/schemas/<layer>.schema.json, when it exists, must accept the file (ajv, draft 2020-12),
#      and feature ids must be unique and sorted.
# Any *.topojson beside them is read by ogrinfo and decoded with topojson-client, each object then
# checked by geojsonhint and check-geojson.
# Usage: .ci/validate.sh OUTDIR [OUTDIR...]      (run .ci/install-validators.sh first)
# Exit: 0 all valid, 1 some file invalid (or no *.geojson found), 2 usage or missing tools.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

if [ $# -lt 1 ]; then
  echo "usage: $0 OUTDIR [OUTDIR...]" >&2
  exit 2
fi
command -v ogrinfo >/dev/null || { echo "validate: ogrinfo missing: run .ci/install-validators.sh" >&2; exit 2; }
[ -d "$here/node/node_modules/@mapbox/geojsonhint" ] ||
  { echo "validate: node validators missing: run .ci/install-validators.sh" >&2; exit 2; }

files=()
for dir in "$@"; do
  [ -d "$dir" ] || { echo "validate: $dir: not a directory" >&2; exit 2; }
  while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$dir" -maxdepth 1 \( -name '*.geojson' -o -name '*.topojson' \) -type f -print0 | sort -z)
done
if [ ${#files[@]} -eq 0 ]; then
  echo "validate: FAIL: no *.geojson or *.topojson files in $*" >&2
  exit 1
fi

failed=0
for f in "${files[@]}"; do
  # CPL_DEBUG off, and GDAL warnings are printed as "Warning N: ..." on stderr.
  if ! out=$(ogrinfo -ro -al -so "$f" 2>&1); then
    echo "FAIL $f: ogrinfo could not read it:"
    printf '%s\n' "$out" | sed 's/^/  /' | head -20
    failed=1
  elif bad=$(printf '%s\n' "$out" | grep -E '^(ERROR|Warning)'); then
    echo "FAIL $f: ogrinfo complained:"
    printf '%s\n' "$bad" | sed 's/^/  /' | head -20
    failed=1
  else
    echo "ok   $f (ogrinfo)"
  fi
done

node "$here/node/validate.mjs" --schemas "$root/data/schemas" "${files[@]}" || failed=1

if [ "$failed" -ne 0 ]; then
  echo "validate: FAIL: some GeoJSON layers are invalid (see above)" >&2
  exit 1
fi
echo "validate: ${#files[@]} GeoJSON/TopoJSON file(s) valid"
