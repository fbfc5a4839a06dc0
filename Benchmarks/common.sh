# Sourced by the scripts in Benchmarks/ that drive the preflight-bench binary
# (from the repository root): what they share.

# require TOOL PACKAGE: stops, naming the Debian package, when TOOL is missing.
require() { command -v "$1" >/dev/null || { echo "$1 is needed (apt-get install $2)" >&2; exit 1; }; }

# $BIN, or the release build of preflight-bench, built now.
if [ -z "${BIN:-}" ]; then
    swift build -c release --product preflight-bench >/dev/null
    BIN=$(swift build -c release --show-bin-path)/preflight-bench
fi

# A scratch folder, and a server started by serve_in_background; both go at exit.
tmp=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$tmp"' EXIT

# serve_in_background PORT COMMAND...: runs a `serve` command and returns
# once it answers on PORT (its statistics path), or stops with its errors.
serve_in_background() {
    local port=$1
    shift
    "$@" 2>"$tmp/serve.err" &
    server=$!
    for _ in $(seq 300); do
        curl -s -o /dev/null "http://127.0.0.1:$port/.well-known/preflight-bench/stats" && return
        sleep 0.1
    done
    echo "the server did not answer on port $port: $(cat "$tmp/serve.err")" >&2
    exit 1
}

# stop_serve: SIGINT, as a user would, and waits for a clean exit.
stop_serve() {
    kill -INT $server
    wait $server 2>/dev/null || true
    server=""
}
