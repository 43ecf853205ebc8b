#!/usr/bin/env bash
# frontline benchmark: our jobs timed with /usr/bin/time -v (median wall of RUNS
# runs, max RSS), beside a minimal hand-written CSV→GeoJSON loop (the floor), and
# optionally the peers (ogr2ogr, mapshaper, geopandas) measured in the same run
# through the peer harness (PEERS_SH) and its OURS hooks.
#
# Data: bench/gen.py (deterministic, seed 7): 1M and 100k incidents, 10k zones
# (jittered grid with shared edges), 41k control rows (the peers' J2 input) and
# 100k control rows (the country-scale build). 10M rows are streamed from
# the 1M file repeated ten times (no 3 GB file on disk).
#
# Usage:  bench/run.sh                 # ours + baseline loop
#         PEERS_RUN=1 PEERS_SH=PATH/peers.sh bench/run.sh  # + the peers side by side (needs install-peers.sh)
# Env:    RUNS=3 (RUNS_BIG=1 for the 10M stream and the country build)
#         PEERS=target/bench  DATA=$PEERS/data  WORK=$PEERS/frontline
#         PEERS_SH (the peer harness's peers.sh; needed with PEERS_RUN=1)  PEER_JOBS="J1 J2 J3 J4 J5"
#         PEER_TOOLS="ogr2ogr mapshaper geopandas ours"  SKIP_10M=0
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
PEERS=${PEERS:-$TARGET/bench}
DATA=${DATA:-$PEERS/data}
WORK=${WORK:-$PEERS/frontline}
RUNS=${RUNS:-3}
RUNS_BIG=${RUNS_BIG:-1}
PEERS_RUN=${PEERS_RUN:-0}
PEERS_SH=${PEERS_SH:-}
PEER_JOBS=${PEER_JOBS:-"J1 J2 J3 J4 J5"}
PEER_TOOLS=${PEER_TOOLS:-"ogr2ogr mapshaper geopandas ours"}
SKIP_10M=${SKIP_10M:-0}
if [ "$PEERS_RUN" = 1 ] && [ ! -f "$PEERS_SH" ]; then
  echo "PEERS_RUN=1 needs PEERS_SH=PATH/peers.sh, the peer harness (got '${PEERS_SH}')" >&2
  exit 1
fi
FL=$TARGET/release/frontline
BASE=$TARGET/release/examples/bench_baseline
mkdir -p "$DATA" "$WORK/out" "$WORK/logs"

# ---------------------------------------------------------------- data
gen() { [ -s "$DATA/$1" ] || python3 "$HERE/gen.py" "${@:2}" --out "$DATA"; }
gen incidents_1000000.csv --what incidents --n 1000000
gen incidents_100000.csv --what incidents --n 100000
gen zones_10000.geojson --what zones --k 10000
gen control_10000_100000.csv --what control --k 10000 --control-rows 100000
INC1M=$DATA/incidents_1000000.csv INC100K=$DATA/incidents_100000.csv
ZONES=$DATA/zones_10000.geojson CTL=$DATA/control_10000.csv CTL100K=$DATA/control_10000_100000.csv

# ---------------------------------------------------------------- build
(cd "$ROOT" && cargo build --release --bins --example bench_baseline) >&2 || exit 1

# a country-scale project: 10k zones, 100k control rows, 1M incidents
COUNTRY=$WORK/country
mkdir -p "$COUNTRY"
cat > "$COUNTRY/frontline.toml" <<TOML
zones = "$ZONES"
zone_key = "zone_id"
control = "$CTL100K"
incidents = "$INC1M"
since = "all"
TOML
# the same zones with only the control history (no incidents)
ZONESONLY=$WORK/zones-only
mkdir -p "$ZONESONLY"
printf 'zones = "%s"\nzone_key = "zone_id"\ncontrol = "%s"\nincidents = "none.csv"\n' "$ZONES" "$CTL" > "$ZONESONLY/frontline.toml"

# ---------------------------------------------------------------- measure
median() { sort -g | awk '{a[NR]=$1} END{ if(NR%2){print a[(NR+1)/2]} else {printf "%.3f\n",(a[NR/2]+a[NR/2+1])/2} }'; }
to_sec() { awk -F: '{ if(NF==3) print $1*3600+$2*60+$3; else if(NF==2) print $1*60+$2; else print $1 }'; }
RESULTS=$WORK/results.tsv
printf 'job\tmedian_wall_s\tmax_rss_mb\truns\tcommand\n' > "$RESULTS"
# measure NAME CMD [RUNS] [OUTPUT]: RUNS runs of CMD under /usr/bin/time -v;
# OUTPUT (a file or folder) is removed before each run, outside the timing,
# as the peer harness removes every tool's output (replacing a
# 700 MB file costs the filesystem a quarter of a second on its own)
measure() {
  local name=$1 cmd=$2 runs=${3:-$RUNS} clean=${4:-} walls=() rss=0 r tf="$WORK/logs/$1.time"
  for ((r = 1; r <= runs; r++)); do
    [ -n "$clean" ] && rm -rf "$clean"
    /usr/bin/time -v -o "$tf" bash -c "$cmd" > "$WORK/logs/$name.log" 2>&1
    local rc=$?
    [ $rc -le 1 ] || { echo "$name failed (rc=$rc): $(tail -3 "$WORK/logs/$name.log")" >&2; return; }
    walls+=("$(grep 'Elapsed (wall clock)' "$tf" | awk '{print $NF}' | to_sec)")
    local m; m=$(grep 'Maximum resident set size' "$tf" | awk '{print $NF}')
    [ "$m" -gt "$rss" ] && rss=$m
    echo "  $name run $r: ${walls[-1]} s, $((m / 1024)) MB" >&2
  done
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$(printf '%s\n' "${walls[@]}" | median)" "$((rss / 1024))" "$runs" "$cmd" >> "$RESULTS"
}

O=$WORK/out
measure demo-build "$FL build '$ROOT/examples/qamishli' --out '$O/demo'" "$RUNS" "$O/demo"
measure j1-frontline-1M "$FL incidents '$INC1M' -o '$O/j1.geojson'" "$RUNS" "$O/j1.geojson"
measure j1-baseline-loop-1M "$BASE '$INC1M' > '$O/j1-baseline.geojson'" "$RUNS" "$O/j1-baseline.geojson"
measure j1-frontline-1M-seq-stdin "$FL incidents - --format geojsonseq < '$INC1M' > /dev/null"
if [ "$SKIP_10M" != 1 ]; then
  measure j1-frontline-10M-seq-stdin "{ cat '$INC1M'; for i in 2 3 4 5 6 7 8 9 10; do tail -n +2 '$INC1M'; done; } | $FL incidents - --format geojsonseq > /dev/null" "$RUNS_BIG"
fi
measure j3-frontline-100k-into-10k "$FL incidents '$INC100K' --zones '$ZONES' --zone-key zone_id --control '$CTL' -o '$O/j3.geojson'" "$RUNS" "$O/j3.geojson"
measure j3big-frontline-1M-into-10k "$FL incidents '$INC1M' --zones '$ZONES' --zone-key zone_id --control '$CTL' -o '$O/j3big.geojson'" "$RUNS" "$O/j3big.geojson"
measure build-10k-zones "$FL build '$ZONESONLY' --since all --out '$O/zones-only'" "$RUNS" "$O/zones-only"
measure build-country "$FL build '$COUNTRY' --out '$O/country'" "$RUNS_BIG" "$O/country"

echo
echo "# frontline bench $(date -u +%FT%TZ) on $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr); RUNS=$RUNS"
echo
echo "| job | median wall s | max RSS MB | runs |"
echo "|---|---:|---:|---:|"
tail -n +2 "$RESULTS" | awk -F'\t' '{printf "| %s | %s | %s | %s |\n",$1,$2,$3,$4}'

# ---------------------------------------------------------------- peers, same run
if [ "$PEERS_RUN" = 1 ]; then
  export PEERS DATA RUNS RUNS_BIG=1 K=10000 CHECK_PY="$(dirname "$PEERS_SH")/check.py" JOBS="$PEER_JOBS" TOOLS="$PEER_TOOLS"
  export OURS_J1="$FL incidents {incidents} -o {out}"
  # J2: zones + control history -> control.geojson (the state as of the latest date)
  export OURS_J2="$FL build $WORK/j2 --zones {zones} --zone-key zone_id --control {control} --incidents none.csv --out $WORK/j2/out && cp $WORK/j2/out/control.geojson {out}"
  export OURS_J3="$FL incidents {incidents} --zones {zones} --zone-key zone_id --control {control} -o {out}"
  export OURS_J4=${OURS_J4:-skip} OURS_J5=${OURS_J5:-skip}
  mkdir -p "$WORK/j2"
  bash "$PEERS_SH"
  # our J2/J3 outputs name the zone `zone` (README.md, "Output layers"); check.py wants `zone_id`
  for job in J2 J3; do
    f=$PEERS/work/out/${job}_ours.geojson
    [ -s "$f" ] && echo "ours $job (zone -> zone_id for check.py): $(python3 "$HERE/check_ours.py" "$job" "$f" --data "$DATA" --k 10000 --n 100000)"
  done
fi
