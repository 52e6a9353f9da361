#!/usr/bin/env bash
# Counts the instructions of one verification against its floor, exactly:
# each case runs under callgrind at two iteration counts, and the difference
# divided by the extra iterations is the cost of one (start-up cancels out).
# Unlike timings, the counts repeat exactly on a shared, noisy machine.
#
#   scripts/instructions.sh     # prints INSTR lines; needs valgrind
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install -y valgrind)" >&2; exit 1; }
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build -q --release -p hookguard-bench --bin instructions
binary="$target_dir/release/instructions"
low=1000
high=3000

count() { # case iterations -> total instructions
    local out
    out="$(mktemp)"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$binary" "$1" "$2" 2>/dev/null
    awk '/^summary:/ { print $2 }' "$out"
    rm -f "$out"
}

per_iteration() { # case -> instructions per verification
    local a b
    a="$(count "$1" "$low")"
    b="$(count "$1" "$high")"
    echo $(((b - a) / (high - low)))
}

for scheme in nomos standard; do
    floor="$(per_iteration "${scheme}_floor")"
    verify="$(per_iteration "${scheme}_verify")"
    [ "$scheme" = nomos ] && nomos_verify="$verify"
    awk -v s="$scheme" -v f="$floor" -v v="$verify" 'BEGIN {
        printf "INSTR %s_verify_vs_floor/1KiB %d %d %.3f overhead=%d\n", s, v, f, v / f, v - f
    }'
done

# A whole request through each framework, in process: what hookguard adds
# besides the verification itself is the rest of the difference. The
# `/floor` route verifies by hand (split the header, decode the hex, the
# same HMAC), so verified − floor is hookguard's whole cost per request over
# the HMAC, exactly, whichever SHA-256 code runs under valgrind.
for framework in axum actix; do
    bare="$(per_iteration "${framework}_bare")"
    floor="$(per_iteration "${framework}_floor")"
    verified="$(per_iteration "${framework}_verified")"
    awk -v fw="$framework" -v b="$bare" -v v="$verified" -v n="$nomos_verify" 'BEGIN {
        printf "INSTR %s_request_verified_vs_bare/1KiB %d %d %.3f verify=%d rest=%d\n", fw, v, b, v / b, n, v - b - n
    }'
    awk -v fw="$framework" -v f="$floor" -v v="$verified" 'BEGIN {
        printf "INSTR %s_request_verified_vs_floor/1KiB %d %d %.3f hookguard_over_hmac=%d\n", fw, v, f, v / f, v - f
    }'
done
