#!/usr/bin/env bash
# `serve` against nginx answering the same policy, in one run.
#
# Writes the scenario's policy (`trace --policy-out`), an nginx configuration
# from it (Benchmarks/nginx-cors-config.py: a `map $http_origin` of the
# allowed origins, the policy's methods, headers and Max-Age), starts Debian's
# nginx with WORKERS worker processes and `serve --cache sharded --threads
# WORKERS`, and drives both in alternating rounds with wrk (the scenario's
# requests, Benchmarks/wrk-preflights.lua) and with `load` (which also checks
# every answer: both must conform fully). Prints requests per second, the
# medians, serve/nginx for each client, and load/wrk for each server.
#
# It also prints what each server's processes spent per request under wrk
# (user and system CPU from /proc, all threads and workers, over the round's
# requests): throughput moves with how the scheduler shares the cores among
# client and server, the CPU a request costs far less.
#
# On a 2-core machine the client and the server share the cores: read the
# ratios, not the absolute figures (cors-facts.md section 10).
#
# Usage: Benchmarks/serve-vs-nginx.sh [scenario]   (default realistic)
#   WORKERS (1), CONNECTIONS (16), CLIENT_THREADS (1), DURATION (5), ROUNDS (3),
#   PORT (18185; nginx gets PORT+1), CACHE (sharded), BIN (default: the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-realistic}
workers=${WORKERS:-1}
connections=${CONNECTIONS:-16}
client_threads=${CLIENT_THREADS:-1}
duration=${DURATION:-5}
rounds=${ROUNDS:-3}
port=${PORT:-18185}
nginx_port=$((port + 1))
cache=${CACHE:-sharded}
source Benchmarks/common.sh
require wrk wrk
require curl curl
require nginx nginx
require python3 python3
"$BIN" trace --scenario "$scenario" --count 1 --out "$tmp/one.jsonl" --policy-out "$tmp/policy.json" 2>/dev/null
"$BIN" scenarios --requests "$scenario" --count 100000 > "$tmp/requests.jsonl"
mkdir -p "$tmp/nginx"
python3 Benchmarks/nginx-cors-config.py "$tmp/policy.json" "$nginx_port" "$workers" "$tmp/nginx" > "$tmp/nginx/nginx.conf"
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' 2>"$tmp/nginx.err" &
nginx_pid=$!
trap '[ -n "$server" ] && kill $server 2>/dev/null; kill $nginx_pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && break; sleep 0.1; done
serve_in_background "$port" "$BIN" serve --policy "$tmp/policy.json" --port "$port" --threads "$workers" --cache "$cache"

# server_cpu PID...: user and system CPU ticks of these processes, all threads.
server_cpu() { for p in "$@"; do awk '{ print $14, $15 }' "/proc/$p/stat"; done | awk '{ u += $1; s += $2 } END { print u, s }'; }
serve_pids() { echo "$server"; }
nginx_pids() { pgrep -P "$nginx_pid" | paste -sd' '; }  # the workers; the master only waits
ticks=$(getconf CLK_TCK)
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
wrk_run() {  # name: prints requests/s; appends the server's CPU microseconds per request (user, system) to $tmp/name.cpu
    local url=${1}_url pids before after out
    pids=$("${1}_pids")
    before=$(server_cpu $pids)
    out=$(wrk -t"$client_threads" -c"$connections" -d"${duration}s" -s Benchmarks/wrk-preflights.lua "${!url}" -- "$tmp/requests.jsonl")
    after=$(server_cpu $pids)
    echo "$out" | awk '/^Requests\/sec/ { print $2 }'
    echo "$before $after $(echo "$out" | awk '/requests in/ { print $1 }')" \
        | awk -v t="$ticks" '{ printf "%.3f %.3f\n", ($3 - $1) / t * 1e6 / $5, ($4 - $2) / t * 1e6 / $5 }' >> "$tmp/$1.cpu"
}
load_run() {  # name: prints requests/s (and stops unless every answer conformed)
    local url=${1}_url
    "$BIN" load --target "${!url}" --scenario "$scenario" --policy "$tmp/policy.json" --connections "$connections" --threads "$client_threads" \
        --duration "$duration" --repetitions 1 --warm-up 0.5 --format json 2>/dev/null \
        | python3 -c 'import json,sys; p=json.load(sys.stdin)["points"][0]; print(p["decisionsPerSecond"]); c=p["conformance"]; sys.exit(0 if c == 1 else print("conformance", c, file=sys.stderr))'
}
for name in serve nginx; do : > "$tmp/$name.wrk"; : > "$tmp/$name.load"; : > "$tmp/$name.cpu"; done
serve_url=http://127.0.0.1:$port/
nginx_url=http://127.0.0.1:$nginx_port/
for round in $(seq "$rounds"); do
    # Alternate which server goes first, so a drift in the machine's speed hits both.
    if (( round % 2 )); then order="nginx serve"; else order="serve nginx"; fi
    for name in $order; do wrk_run "$name" >> "$tmp/$name.wrk"; done
    for name in $order; do load_run "$name" >> "$tmp/$name.load"; done
done
stop_serve
cpu_median() { awk '{ print $1 + $2 }' "$tmp/$1.cpu" | median; }
for name in nginx serve; do
    echo "$name: wrk $(paste -sd' ' "$tmp/$name.wrk") req/s (median $(median < "$tmp/$name.wrk")); load $(paste -sd' ' "$tmp/$name.load") req/s (median $(median < "$tmp/$name.load"))"
    echo "$name: CPU per request under wrk, user + system us: $(awk '{ printf "%s%.2f + %.2f", (NR > 1 ? ", " : ""), $1, $2 }' "$tmp/$name.cpu") (median total $(cpu_median "$name"))"
done
awk -v s="$(cpu_median serve)" -v n="$(cpu_median nginx)" 'BEGIN { printf "CPU per request, serve/nginx: %.2f\n", s / n }'
awk -v sw="$(median < "$tmp/serve.wrk")" -v nw="$(median < "$tmp/nginx.wrk")" -v sl="$(median < "$tmp/serve.load")" -v nl="$(median < "$tmp/nginx.load")" \
    'BEGIN { printf "serve/nginx: wrk %.2f, load %.2f; load/wrk: serve %.2f, nginx %.2f\n", sw / nw, sl / nl, sl / sw, nl / nw }'
echo "($scenario, $workers worker(s) each, serve --cache $cache, $connections connections, client threads $client_threads, ${duration}s x $rounds rounds, $(nproc) cores, $(nginx -v 2>&1 | sed 's/.*: //'))"
