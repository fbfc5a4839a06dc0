#!/usr/bin/env bash
# Exact instructions per decision, harness included, from callgrind.
#
# `run --decisions N` makes a fixed amount of work per worker, so the
# difference of two runs (3N and N decisions) divided by 2N is what one more
# decision costs: the engine plus the load loop, nothing else. floor.c is
# measured the same way: the same program with one and with two timed passes,
# the difference divided by its decisions per pass.
#
# Usage: Benchmarks/instructions-per-decision.sh [path/to/floor.c]
#   Default floor: ../shared/tools/floor.c beside the repository.
#   N (decisions) defaults to 500000; override with DECISIONS=... One-time
#   runtime work (metadata instantiated on first use, a few million
#   instructions) lands in either run, so the figure moves by about that
#   over 2N: at N = 100000 one binary gave 575 and 539; at 500000 the same
#   work moves it a fifth as much. The decide-only figure does not move.
#   BIN=path measures that binary instead of building the release product.
#   CACHES="none bucketed" picks the caches (default: none sharded bucketed);
#   SCENARIOS="hot" the scenarios (default: hot realistic).
#   Output: one line per measurement with its ratio to floor.c and the
#   instructions inside the cache's own decide functions (exact; for
#   `none`, the uncached decider's few instructions around the engine).
set -euo pipefail
cd "$(dirname "$0")/.."
floor_source=${1:-../shared/tools/floor.c}
n=${DECISIONS:-500000}
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
if [ -n "${BIN:-}" ]; then
    bin=$BIN
else
    swift build -c release --product preflight-bench >/dev/null
    bin=$(swift build -c release --show-bin-path)/preflight-bench
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# valgrind 3.19 cannot read the DWARF 5 that clang writes for the C shims of
# some dependencies, and gives up on the whole binary: measure a copy without
# debug information (instruction counts do not depend on it).
cp "$bin" "$tmp/measured"
strip --strip-debug "$tmp/measured"
bin=$tmp/measured

# Total instructions of one command under callgrind, its output files named
# by the first argument. Swift seeds its String hashing at random per
# process, which moves the request stream's generation by millions of
# instructions between runs; deterministic hashing keeps the two runs' fixed
# work equal.
instructions() {
    local name=$1
    shift
    SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/$name.out" "$@" >/dev/null 2>"$tmp/$name.err" \
        || { cat "$tmp/$name.err" >&2; return 1; }
    local total
    total=$(awk '/^summary:/ { print $2 }' "$tmp/$name.out")
    [ -n "$total" ] || { echo "callgrind reported no total for: $*" >&2; cat "$tmp/$name.err" >&2; return 1; }
    echo "$total" > "$tmp/$name.total"
}

# N and 3N decisions, the difference over 2N: one-time runtime work (such as
# generic metadata instantiated on first use) that lands in one run but not
# the other then moves the figure half as much.
# The two runs go side by side (callgrind serializes a program onto one core,
# and instruction counts do not depend on what else the machine runs).
per_decision() { # scenario cache -> instructions per decision
    local args=(run --scenario "$1" --cache "$2" --workers 1 --repetitions 1 --format json)
    instructions one "$bin" "${args[@]}" --decisions "$n" & local first=$!
    instructions three "$bin" "${args[@]}" --decisions $((3 * n)) & local second=$!
    wait "$first" && wait "$second" || exit 1
    local own
    own=$(awk -v a="$(decide_self "$tmp/one.out")" -v b="$(decide_self "$tmp/three.out")" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / (2 * n) }')
    echo "$(( ($(cat "$tmp/three.total") - $(cat "$tmp/one.total")) / (2 * n) )) $own"
}

# The instructions spent inside the cache's own `decide` functions (their
# exclusive counts): exact to the instruction, where the whole program's
# total moves by one-time work, so small changes to a hit path show here.
decide_self() { # callgrind output -> instructions
    callgrind_annotate --threshold=100 "$1" 2>/dev/null \
        | awk '/decide6origin6method14requestHeaders/ { gsub(",", "", $1); s += $1 } END { print s + 0 }'
}

floor=""
if [ -f "$floor_source" ]; then
    # The same program with one and with two timed passes (it does five).
    sed 's/rep < 5/rep < PASSES/' "$floor_source" > "$tmp/floor.c"
    grep -q 'rep < PASSES' "$tmp/floor.c" || { echo "$floor_source: cannot find its pass loop (rep < 5)" >&2; exit 1; }
    passes_n=$(grep -o 'int N = 1 << [0-9]*' "$tmp/floor.c" | awk '{ print 2 ^ $6 }')
    # -O3 without -march=native: valgrind cannot execute AVX-512 instructions.
    for p in 1 2; do gcc -O3 -DPASSES=$p "$tmp/floor.c" -o "$tmp/floor$p" -lm; done
    instructions floor1 "$tmp/floor1" && instructions floor2 "$tmp/floor2" || exit 1
    floor=$(( ($(cat "$tmp/floor2.total") - $(cat "$tmp/floor1.total")) / passes_n ))
    echo "floor.c: $floor instructions per decision"
else
    echo "no floor program at $floor_source: ratios omitted" >&2
fi

for scenario in ${SCENARIOS:-hot realistic}; do
    for cache in ${CACHES:-none sharded bucketed}; do
        read -r ipd own <<< "$(per_decision "$scenario" "$cache")"
        if [ -n "$floor" ]; then
            ratio=$(awk -v a="$ipd" -v b="$floor" 'BEGIN { printf "%.2f", a / b }')
            echo "$scenario $cache: $ipd instructions per decision = ${ratio}x floor.c ($own in the cache's decide)"
        else
            echo "$scenario $cache: $ipd instructions per decision ($own in the cache's decide)"
        fi
    done
done
