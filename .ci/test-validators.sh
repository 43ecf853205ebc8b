#!/usr/bin/env bash
# Self-test of .ci/validate.sh: it must pass every good file and fail every bad one,
# so that a green validation means something.
#   - .ci/fixtures/good/ (one valid file per frontline layer) must pass;
#   - each .ci/fixtures/bad/<case>/ (one defect each) must fail;
#   - if the real-data folder is there (FRONTLINE_SHARED_DATA, by default
#     ../shared/data/real beside the repository; see tests/README.md), geojsonhint's
#     own fixtures: every good/*.geojson must pass, except one whose coordinates
#     have more than 6 decimals (frontline's validator rejects that on purpose),
#     and every bad/*.geojson must fail.
# Prints the plain "N passed, N failed" line; exits 1 if any expectation failed.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
validate="$here/validate.sh"
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

expect() { # expect pass|fail DIR LABEL
  local want=$1 dir=$2 label=$3 got
  if "$validate" "$dir" >"$tmp/log" 2>&1; then got=pass; else got=fail; fi
  if [ "$got" = "$want" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "UNEXPECTED: $label should $want validation but did $got:"
    sed 's/^/    /' "$tmp/log" | head -30
  fi
}

expect pass "$here/fixtures/good" "fixtures/good"
for d in "$here"/fixtures/bad/*/; do
  expect fail "$d" "fixtures/bad/$(basename "$d")"
done

real=${FRONTLINE_SHARED_DATA:-$here/../../shared/data/real}
hint="$real/geojsonhint-fixtures"
if [ -d "$hint" ]; then
  for f in "$hint"/good/*.geojson "$hint"/bad/*.geojson; do
    name=$(basename "$f")
    case "$f" in
      */good/*) if grep -qE '[0-9]\.[0-9]{7,}' "$f"; then want=fail; else want=pass; fi ;;
      *) want=fail ;;
    esac
    mkdir -p "$tmp/one" && rm -f "$tmp"/one/* && cp "$f" "$tmp/one/"
    expect "$want" "$tmp/one" "geojsonhint-fixtures/$(basename "$(dirname "$f")")/$name"
  done
else
  echo "note: $hint not found (set FRONTLINE_SHARED_DATA to the real-data folder); skipped"
fi

echo "validators: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
