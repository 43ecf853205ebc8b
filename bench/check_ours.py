#!/usr/bin/env python3
"""Run the peer harness's check.py (CHECK_PY) on a frontline output whose zone key is named
`zone` (README.md, "Output layers") instead of the `zone_id` the checker reads.

Usage: CHECK_PY=PATH/check.py check_ours.py JOB OUTPUT.geojson --data DIR --k K --n N
(bench/run.sh sets CHECK_PY beside PEERS_SH.)
"""
import json
import os
import subprocess
import sys
import tempfile

job, path, *rest = sys.argv[1:]
checker = os.environ.get("CHECK_PY")
if not checker:
    sys.exit("check_ours.py: set CHECK_PY to the peer harness's check.py")
with open(path, encoding="utf-8") as fh:
    fc = json.load(fh)
for f in fc["features"]:
    p = f["properties"]
    p["zone_id"] = p.pop("zone", None)
with tempfile.NamedTemporaryFile("w", suffix=".geojson", delete=False, encoding="utf-8") as tmp:
    json.dump(fc, tmp, ensure_ascii=False)
try:
    out = subprocess.run([sys.executable, checker, job, tmp.name, *rest], capture_output=True, text=True)
    print(out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr.strip())
finally:
    os.unlink(tmp.name)
