#!/usr/bin/env bash
# `load` against wrk on the same `serve`, and CORS off against on, in one run.
#
# Starts `preflight-bench serve` for the scenario (once per server
# configuration: --cors off, --cache none, --cache sharded), then, against
# each, alternates wrk (Benchmarks/wrk-preflights.lua sending the same
# scenario's requests) and `load` with the same connections and threads,
# ROUNDS times. Prints requests per second for each and the ratios: load/wrk
# (issue 15's target: at least 0.8) and each CORS configuration against the
# no-CORS baseline (the marginal cost of deciding a preflight in the server).
#
# On a 2-core machine the client and the server share the cores: read the
# ratios, not the absolute figures (cors-facts.md section 10).
#
# Usage: Benchmarks/load-vs-wrk.sh [scenario]   (default realistic)
#   CONNECTIONS (16), CLIENT_THREADS (1), SERVER_THREADS (1), DURATION (5),
#   ROUNDS (3), PORT (18181), BIN (default: the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-realistic}
connections=${CONNECTIONS:-16}
client_threads=${CLIENT_THREADS:-1}
server_threads=${SERVER_THREADS:-1}
duration=${DURATION:-5}
rounds=${ROUNDS:-3}
port=${PORT:-18181}
source Benchmarks/common.sh
require wrk wrk
require curl curl
"$BIN" scenarios --requests "$scenario" --count 100000 > "$tmp/requests.jsonl"
url=http://127.0.0.1:$port/

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

declare -A wrk_rps load_rps
for configuration in "--cors off" "--cache none" "--cache sharded"; do
    serve_in_background "$port" "$BIN" serve --scenario "$scenario" --port "$port" --threads "$server_threads" $configuration
    : > "$tmp/wrk"; : > "$tmp/load"
    for _ in $(seq "$rounds"); do
        wrk -t"$client_threads" -c"$connections" -d"${duration}s" -s Benchmarks/wrk-preflights.lua "$url" -- "$tmp/requests.jsonl" \
            | awk '/^Requests\/sec/ { print $2 }' >> "$tmp/wrk"
        "$BIN" load --target "$url" --scenario "$scenario" --connections "$connections" --threads "$client_threads" \
            --duration "$duration" --repetitions 1 --warm-up 0.5 --format json 2>/dev/null \
            | python3 -c 'import json,sys; p=json.load(sys.stdin)["points"][0]; print(p["decisionsPerSecond"]); c=p["conformance"]; sys.exit(0 if c == 1 else print("conformance", c, file=sys.stderr))' >> "$tmp/load"
    done
    stop_serve
    wrk_rps[$configuration]=$(median < "$tmp/wrk")
    load_rps[$configuration]=$(median < "$tmp/load")
    echo "serve $configuration: wrk $(paste -sd' ' "$tmp/wrk") req/s (median ${wrk_rps[$configuration]}); load $(paste -sd' ' "$tmp/load") req/s (median ${load_rps[$configuration]})"
done
echo
for configuration in "--cors off" "--cache none" "--cache sharded"; do
    awk -v c="$configuration" -v w="${wrk_rps[$configuration]}" -v l="${load_rps[$configuration]}" \
        -v wb="${wrk_rps[--cors off]}" -v lb="${load_rps[--cors off]}" \
        'BEGIN { printf "%-16s load/wrk %.2f; against --cors off: wrk %.3f, load %.3f\n", c, l / w, w / wb, l / lb }'
done
echo "($scenario, $connections connections, client threads $client_threads, server threads $server_threads, ${duration}s x $rounds rounds, $(nproc) cores)"
