#!/usr/bin/env bash
# Measures verification against its floor and its peers in one run, prints
# one line per comparison,
#   BENCH <name> <hookguard ns> <baseline ns> <hookguard/baseline>
# and writes the same table, with the targets, into BENCHMARKS.md.
#
#   scripts/bench.sh            # about 2 minutes
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"

rm -rf "$target_dir/criterion"
cargo bench -p hookguard-bench --bench verify -- --noplot >&2

echo "== allocation check (a counting global allocator around verify)" >&2
if cargo test -q -p hookguard-core --test no_alloc >&2; then allocations=0; else allocations=unknown; fi

echo "== instruction counts (callgrind)" >&2
if command -v valgrind >/dev/null; then
    instructions="$(scripts/instructions.sh)"
else
    instructions="INSTR not run: valgrind is not installed (apt-get install -y valgrind)"
fi
echo "$instructions" >&2

echo "== verify vs floor, in alternating batches" >&2
paired="$(cargo run -q --release -p hookguard-bench --bin paired)"
echo "$paired" >&2

echo "== timing check" >&2
timing="$(cargo run -q --release -p hookguard-bench --bin timing)"
echo "$timing" >&2

python3 scripts/bench_report.py "$target_dir/criterion" "$allocations" "$timing" "$instructions" "$paired"
