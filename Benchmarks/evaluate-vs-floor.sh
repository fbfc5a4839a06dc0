#!/usr/bin/env bash
# Time of the evaluate.* benchmarks against floor.c, in one run.
#
# floor.c (a plain C hash-table decision over the hot key shape) runs before
# and after the benchmarks; its better pass is the floor. Each evaluate.*
# benchmark's median wall-clock ns per decision is printed beside it as a
# ratio: times move 2x between days on these machines, ratios much less.
#
# Usage: Benchmarks/evaluate-vs-floor.sh [path/to/floor.c]
#   ROUNDS=n repeats floor, benchmarks, floor n times (default 1): on a
#   shared machine read the spread of the ratios, not one of them.
set -euo pipefail
cd "$(dirname "$0")"
floor_source=${1:-../../shared/tools/floor.c}
[ -f "$floor_source" ] || { echo "no floor program at $floor_source" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O3 -march=native "$floor_source" -o "$tmp/floor" -lm
for round in $(seq "${ROUNDS:-1}"); do
before=$("$tmp/floor" 2>/dev/null)
rm -f "$tmp"/*.json
swift package benchmark --filter 'evaluate\..*' --format jmh --path "$tmp" --no-progress >/dev/null 2>&1
after=$("$tmp/floor" 2>/dev/null)
python3 - "$tmp" "$before" "$after" <<'PY'
import glob, json, sys
tmp, before, after = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
floor = min(before, after)
print(f"floor.c: {floor:.2f} ns/decision (runs before and after: {before:.2f}, {after:.2f})")
units = {"ns": 1e-3, "μs": 1, "ms": 1e3, "s": 1e6}
for path in sorted(glob.glob(tmp + "/*.json")):
    for result in sorted(json.load(open(path)), key=lambda r: r["benchmark"]):
        name = result["benchmark"].removeprefix("package.benchmark.PreflightBenchmarks.")
        wall = result["secondaryMetrics"]["Time (wall clock)"]
        # One iteration makes 1,000 decisions (scalingFactor .kilo), so µs per
        # iteration is ns per decision; JMH's score is the mean, so read the median.
        ns = wall["scorePercentiles"]["50.0"] * units[wall["scoreUnit"]]
        print(f"{name}: {ns:.2f} ns/decision (median wall clock) = {ns / floor:.2f}x floor.c")
PY
done
