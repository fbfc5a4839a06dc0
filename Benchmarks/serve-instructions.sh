#!/usr/bin/env bash
# Exact instructions `serve` spends per request, by configuration, from
# callgrind: CORS off (the baseline), --cache none and --cache sharded.
#
# For each configuration, `serve` runs under callgrind twice, driven by
# `load` (natively) with N and then 3N requests; the difference over 2N is
# what one request costs inside the server's process, free of start-up and
# of this machine's wall-clock noise. The kernel's share is not counted, and
# timer work (the date line, the sharded cache's clock thread) adds a little
# per wall-clock second.
#
# Usage: Benchmarks/serve-instructions.sh [scenario]   (default realistic)
#   N (5000), CONNECTIONS (4), PORT (18183), BIN (default: the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-realistic}
n=${N:-5000}
connections=${CONNECTIONS:-4}
port=${PORT:-18183}
source Benchmarks/common.sh
require valgrind valgrind
require curl curl
# valgrind 3.19 cannot read clang's DWARF 5: measure a copy without debug information.
cp "$BIN" "$tmp/measured"
strip --strip-debug "$tmp/measured"
url=http://127.0.0.1:$port/

instructions() {  # configuration, requests
    serve_in_background "$port" env SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
        "$tmp/measured" serve --scenario "$scenario" --port "$port" --threads 1 $1
    "$BIN" load --target "$url" --scenario "$scenario" --connections "$connections" --requests "$2" --repetitions 1 >/dev/null 2>&1
    stop_serve
    awk '/^summary:/ { print $2 }' "$tmp/cg.out"
}
baseline=""
for configuration in "--cors off" "--cache none" "--cache sharded"; do
    more=$(instructions "$configuration" $((3 * n)))  # an assignment, so that a failure stops the script
    fewer=$(instructions "$configuration" "$n")
    per=$(( (more - fewer) / (2 * n) ))
    [ -z "$baseline" ] && baseline=$per
    awk -v c="$configuration" -v p="$per" -v b="$baseline" \
        'BEGIN { printf "%-16s %7d instructions per request, %+6d (%+.1f %%) against --cors off\n", c, p, p - b, 100 * (p - b) / b }'
done
echo "($scenario, $connections connections, N = $n and $((3 * n)) requests, server threads 1)"
