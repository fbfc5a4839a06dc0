#!/usr/bin/env bash
# Exact instructions of a decision alone and of a decision plus its written
# response head (PreflightResponseWriter), from callgrind, per case.
#
# Each figure is (instructions at 3N - instructions at N) / 2N for the
# ResponseInstructions program, so start-up and one-time work cancel out.
# The ratio respond/evaluate is what writing the answer adds to deciding it;
# issue 15's target is at most 1.5x.
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
per_operation() { echo $(( ($(instructions "$1" "$2" $((3 * n))) - $(instructions "$1" "$2" "$n")) / (2 * n) )); }
for case in exact wildcard denied 1000-origins; do
    evaluate=$(per_operation "$case" evaluate)
    respond=$(per_operation "$case" respond)
    awk -v c="$case" -v e="$evaluate" -v r="$respond" \
        'BEGIN { printf "%-13s evaluate %4d instructions, evaluate + response %4d = %.2fx\n", c, e, r, r / e }'
done
