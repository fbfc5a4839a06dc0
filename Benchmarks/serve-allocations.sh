#!/usr/bin/env bash
# Heap allocations `serve` makes per request, by configuration: valgrind's
# memcheck counts every malloc of the process ("total heap usage"); `serve`
# runs under it twice, driven by `load` with N and then 3N requests, and the
# difference over 2N is what one more request allocates (start-up, the
# scenario's generation and one-time runtime work cancel out). Deterministic
# up to the timer work of the sharded cache's clock thread and the date line.
#
# Usage: Benchmarks/serve-allocations.sh [scenario]   (default realistic)
#   N (3000), CONNECTIONS (4), PORT (18184), BIN (default: the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-realistic}
n=${N:-3000}
connections=${CONNECTIONS:-4}
port=${PORT:-18184}
source Benchmarks/common.sh
require valgrind valgrind
require curl curl
cp "$BIN" "$tmp/measured"
strip --strip-debug "$tmp/measured"
url=http://127.0.0.1:$port/

allocations() {  # configuration, requests
    serve_in_background "$port" env SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=memcheck --leak-check=no --log-file="$tmp/memcheck.log" \
        "$tmp/measured" serve --scenario "$scenario" --port "$port" --threads 1 $1
    "$BIN" load --target "$url" --scenario "$scenario" --connections "$connections" --requests "$2" --repetitions 1 >/dev/null 2>&1
    stop_serve
    sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' "$tmp/memcheck.log" | tr -d ,
}
for configuration in "--cors off" "--cache none" "--cache sharded"; do
    more=$(allocations "$configuration" $((3 * n)))
    fewer=$(allocations "$configuration" "$n")
    awk -v c="$configuration" -v m="$more" -v f="$fewer" -v n="$n" 'BEGIN { printf "%-16s %.3f allocations per request (%d and %d in all)\n", c, (m - f) / (2 * n), f, m }'
done
echo "($scenario, $connections connections, N = $n and $((3 * n)) requests, server threads 1)"
