#!/usr/bin/env bash
# How fast traces are read, per format: a million requests of the realistic
# scenario written by `trace` (JSON Lines, CSV) and turned into an nginx log
# in the README's log_format, each read by `trace --check` (parsing and
# counting only; issue 16 asks for at least 100 MB/s for CSV and nginx logs
# and 50 MB/s for JSON Lines on these machines). ROUNDS (default 3) reads.
#
# Usage: Benchmarks/trace-read-speed.sh   (BIN=path to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
"$BIN" trace --scenario realistic --count 1000000 --out "$tmp/trace.jsonl" 2>/dev/null
"$BIN" trace --scenario realistic --count 1000000 --out "$tmp/trace.csv" --format csv 2>/dev/null
# nginx: $msec "$remote_addr" "$request_method" "$request_uri" "$http_origin" "$http_access_control_request_method" "$http_access_control_request_headers"
python3 - "$tmp/trace.jsonl" > "$tmp/trace.nginx" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print('%.3f "%s" "OPTIONS" "/api" "%s" "%s" "%s"' % (r["time"], r.get("client", ""), r["origin"], r["method"], r.get("headers", "")))
PY
for format in jsonl csv nginx; do
    for _ in $(seq "${ROUNDS:-3}"); do
        "$BIN" trace --check "$tmp/trace.$format" --trace-format "$format" | tail -1 | sed "s/^/$format: /"
    done
done
