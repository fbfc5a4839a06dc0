#!/usr/bin/env bash
# A hit's floor at a run point's own size: a plain C table with the same
# entry count and key bytes as `run --scenario S --capacity C`, probed in the
# stream's order (Benchmarks/Floor/same-size-floor.c), printed beside the
# cache's own hit latency from a run in the same invocation.
#
# Usage: Benchmarks/same-size-floor.sh [scenario] [capacity] [cache]
#   Defaults: realistic 100000 bucketed. BIN=path uses that binary.
#   The trace has the run's stream length (1,048,576 requests).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-realistic}; capacity=${2:-100000}; cache=${3:-bucketed}
if [ -n "${BIN:-}" ]; then bin=$BIN; else
    swift build -c release --product preflight-bench >/dev/null
    bin=$(swift build -c release --show-bin-path)/preflight-bench
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$bin" trace --scenario "$scenario" --format csv --count 1048576 --out "$tmp/trace.csv" >/dev/null 2>&1
gcc -O3 -march=native Benchmarks/Floor/same-size-floor.c -o "$tmp/floor"
floor=$("$tmp/floor" "$tmp/trace.csv" "$capacity" 2>"$tmp/floor.err")
echo "C table, $capacity entries of $scenario: $floor ns per hit ($(cat "$tmp/floor.err"))"
"$bin" run --scenario "$scenario" --cache "$cache" --capacity "$capacity" --workers 1 --format json > "$tmp/run.json" 2>"$tmp/run.err"
python3 - "$tmp/run.json" "$floor" "$cache" <<'PY'
import json, sys
run, floor, cache = json.load(open(sys.argv[1])), float(sys.argv[2]), sys.argv[3]
# Latency samples include one clock read; the C table's figure is a loop's mean.
clock = run["environment"].get("clockReadNanos") or 0
for p in run["points"]:
    p50 = p.get("hitP50Nanos")
    if p50 is None: continue
    net = p50 - clock
    print(f"{p['scenario']} {cache} {p.get('capacity')}: hit p50 {p50:.0f} ns, less one clock read ({clock:.1f} ns) {net:.0f} ns = {net / floor:.2f}x the C table")
PY
