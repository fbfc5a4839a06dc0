#!/usr/bin/env bash
# Exact instructions of a decision alone and of a decision plus its written
# response head (PreflightResponseWriter), from callgrind, per case.
#
# Each figure is (instructions at 3N - instructions at N) / 2N for the
# ResponseInstructions program, so start-up and one-time work cancel out.
# The ratio respond/decide is what writing the answer adds to deciding it
# (issue 24's target: at most 1.5x for exact origins), with the engine
# deciding every request (`evaluate`) and with the sharded cache answering
# (`sharded`: every decision after the first four is a hit).
#
# Usage: Benchmarks/respond-vs-evaluate.sh   (N defaults to 200000; N=...)
set -euo pipefail
cd "$(dirname "$0")"
n=${N:-200000}
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
swift build -c release --product ResponseInstructions >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# valgrind 3.19 cannot read clang's DWARF 5: measure a copy without debug information.
cp "$(swift build -c release --show-bin-path)/ResponseInstructions" "$tmp/measured"
strip --strip-debug "$tmp/measured"
instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$tmp/measured" "$@" >/dev/null 2>"$tmp/cg.err" \
        || { cat "$tmp/cg.err" >&2; exit 1; }
    awk '/^summary:/ { print $2 }' "$tmp/cg.out"
}
per_operation() { echo $(( ($(instructions "$1" "$2" $((3 * n)) "$3") - $(instructions "$1" "$2" "$n" "$3")) / (2 * n) )); }
for decider in evaluate sharded; do
    for case in exact wildcard denied 1000-origins; do
        decide=$(per_operation "$case" evaluate "$decider")
        respond=$(per_operation "$case" respond "$decider")
        awk -v d="$decider" -v c="$case" -v e="$decide" -v r="$respond" \
            'BEGIN { printf "%-8s %-13s decide %4d instructions, decide + response %4d = %.2fx\n", d, c, e, r, r / e }'
    done
done
