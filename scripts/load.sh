#!/usr/bin/env bash
# End-to-end load: a verified route (`Webhook<NomosEvent>`) against a bare
# route that reads the body and parses it into the same `NomosEvent` with
# serde_json, both served by one process (crates/bench/src/bin/load_receiver.rs)
# in axum and in actix-web, driven by wrk with a validly signed 1 KiB Nomos
# delivery, all on 127.0.0.1, for a bounded time, with a third route that
# verifies by hand (the HMAC floor) between the two. The routes are driven
# in rotating rounds and the per-round ratios' medians compared.
# Prints requests per second, non-2xx answers and the ratios:
#   LOAD <framework> verified_rps=… bare_rps=… floor_rps=… ratio=… floor_ratio=… over_floor=… non2xx=…
# Then the peak memory of a receiver under a flood of distinct event ids.
#
#   scripts/load.sh [--write] [seconds per run, default 2]
#
# Progress goes to stderr as it happens; the report goes to stdout, and into
# BENCHMARKS.md (its "load" section) only with --write.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'USAGE'
usage: scripts/load.sh [--write] [SECONDS]

Drives a verified, a hand-verified and a bare route (same process, same
parse) with wrk on 127.0.0.1, SECONDS per run (default 2), twenty rounds, then measures
memory under a flood of distinct event ids. Progress goes to stderr; the
report goes to stdout.

  --write   also replace the "load" section of BENCHMARKS.md with the report
  --help    show this help
USAGE
}

write=false
duration=2
for argument in "$@"; do
    case "$argument" in
        --write) write=true ;;
        -h | --help) usage; exit 0 ;;
        -*) echo "load.sh: unknown option $argument" >&2; usage >&2; exit 2 ;;
        *[!0-9]* | '') echo "load.sh: SECONDS must be a whole number, not $argument" >&2; exit 2 ;;
        *) duration="$argument" ;;
    esac
done
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
started=$SECONDS
progress() { printf '[load %3ds] %s\n' "$((SECONDS - started))" "$*" >&2; }

if ! command -v wrk >/dev/null 2>&1; then
    progress "installing wrk"
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

progress "building the receiver and the command (release)"
cargo build -q --release -p hookguard-bench --bin load_receiver --bin flood
cargo build -q --release -p hookguard-cli

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

export NOMOS_WEBHOOK_SECRET="load-test-secret" RUST_LOG=error

# A 1 KiB Nomos delivery, signed now (the runs stay well inside 300 s).
python3 - "$work/body.json" <<'PY'
import json, sys
head = {"id": "evt_load", "timestamp": "2026-01-15T10:30:00Z", "topic": "subscription.created",
        "context": {"subscription": "sub_load", "lead": "lead_load", "padding": ""}}
text = json.dumps(head, separators=(",", ":"))
head["context"]["padding"] = "x" * (1024 - len(text))
open(sys.argv[1], "w").write(json.dumps(head, separators=(",", ":")))
PY
signature="$("$target_dir/release/hookguard" sign --provider nomos --secret-env NOMOS_WEBHOOK_SECRET --body-file "$work/body.json" | sed 's/^x-nomos-signature: //')"
python3 - "$work/body.json" "$signature" "$work/delivery.lua" <<'PY'
import sys
body, signature, out = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
escaped = body.replace("\\", "\\\\").replace('"', '\\"')
open(out, "w").write(f'''wrk.method = "POST"
wrk.body = "{escaped}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Nomos-Signature"] = "{signature}"
''')
PY

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() {
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "nothing listens on $1" >&2
    return 1
}

# wrk and the receiver each get a core of their own when there are two, so
# that the receiver's requests per second measure its own cost per request,
# not how the scheduler shares one core between it and its load.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    pin_receiver=(taskset -c 1) pin_wrk=(taskset -c 0) pinning="the receiver on one core, wrk on the other"
else
    pin_receiver=() pin_wrk=() pinning="wrk and the receiver sharing the cores"
fi

# Prints "<requests per second> <non-2xx answers>" for one wrk run on
# port $1, path $2.
drive() {
    local output
    output="$("${pin_wrk[@]}" wrk -t1 -c16 -d"${duration}s" -s "$work/delivery.lua" "http://127.0.0.1:$1$2")"
    local rps non2xx
    rps="$(awk '/Requests\/sec/ {print $2}' <<<"$output")"
    non2xx="$(awk '/Non-2xx/ {print $NF}' <<<"$output")"
    echo "$rps ${non2xx:-0}"
}

# Rounds of one run per route, the order rotating each round, so that a
# change in the machine's load falls on every route; each round gives its
# own ratios, and the report takes their medians.
rounds=20
routes=(verified bare floor)
for framework in axum actix; do
    port="$(free_port)"
    "${pin_receiver[@]}" "$target_dir/release/load_receiver" "$framework" "127.0.0.1:$port" >/dev/null 2>&1 &
    pids+=("$!")
    wait_for "$port"

    : >"$work/$framework.runs"
    for round in $(seq "$rounds"); do
        for step in 0 1 2; do
            route="${routes[$(((round + step) % 3))]}"
            progress "$framework round $round/$rounds: /$route, ${duration} s"
            read -r rps non2xx < <(drive "$port" "/$route")
            echo "$round $route $rps $non2xx" >>"$work/$framework.runs"
        done
    done
    python3 - "$framework" "$work/$framework.runs" <<'PY' | tee -a "$work/results"
import collections, statistics, sys
framework, path = sys.argv[1], sys.argv[2]
rounds, non2xx = collections.defaultdict(dict), collections.Counter()
for line in open(path):
    round_, route, rps, bad = line.split()
    rounds[round_][route] = float(rps)
    non2xx[route] += int(bad)
def median(key):
    return statistics.median(key(r) for r in rounds.values())
ratios = " ".join(f"{r['verified'] / r['bare']:.3f}" for r in rounds.values())
print(f"LOAD {framework} verified_rps={median(lambda r: r['verified']):.0f} bare_rps={median(lambda r: r['bare']):.0f} "
      f"floor_rps={median(lambda r: r['floor']):.0f} "
      f"ratio={median(lambda r: r['verified'] / r['bare']):.3f} "
      f"floor_ratio={median(lambda r: r['floor'] / r['bare']):.3f} "
      f"over_floor={median(lambda r: r['verified'] / r['floor']):.3f} "
      f"non2xx={non2xx['verified']} bare_non2xx={non2xx['bare']} floor_non2xx={non2xx['floor']} "
      f"rounds={len(rounds)} ratios=[{ratios}]")
PY
done

progress "flood: one million distinct event ids, in-process"
"$target_dir/release/flood" | tee -a "$work/results"

progress "report"
python3 - "$work/results" "$duration" "$pinning" "$rounds" <<'PY' >"$work/section.md"
import os, re, sys
from datetime import datetime, timezone
lines = open(sys.argv[1]).read().splitlines()
duration, pinning, rounds = sys.argv[2], sys.argv[3], sys.argv[4]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
print("## End-to-end load\n")
print(f"Measured by `scripts/load.sh` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC: {cpu}, {os.cpu_count()} cores, "
      f"wrk (1 thread, 16 connections, a signed 1 KiB Nomos delivery), {pinning}.\n")
print("Method: one process per framework (`crates/bench/src/bin/load_receiver.rs`) serves three routes with the same "
      "server configuration. `/bare` reads the body and parses it with serde_json into `NomosEvent`, as a handler "
      "without verification would. `/floor` does the same after the least a receiver verifying by hand must do: "
      "split the signature header at its comma, decode the hex, check a pre-keyed HMAC. `/verified` takes "
      "`Webhook<NomosEvent>` (read under the limit, every header rule, freshness, verify, parse). "
      f"Each of {rounds} rounds drives every route for {duration} s, in an order that rotates each round, and gives "
      "its own ratios; the table shows their medians, so a change in the machine's load falls on all routes. "
      "Target: the verified route reaches at least 93% of the bare route's requests per second, with zero "
      "non-2xx answers. `floor ÷ bare` is about the most any verifier can reach here (the HMAC of a 1 KiB "
      "delivery; in axum also the copy of the header map its `HeaderMap` extractor makes); `verified ÷ floor` is "
      "what hookguard costs over verifying by hand. On a shared machine the rounds spread widely (see below): "
      "read the medians as ±0.05.\n")
print("| framework | verified req/s | floor req/s | bare req/s | verified ÷ bare | floor ÷ bare | verified ÷ floor | non-2xx | target |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
for line in lines:
    if line.startswith("LOAD "):
        fields = dict(f.split("=", 1) for f in line.split()[2:] if "=" in f)
        met = "met" if float(fields["ratio"]) >= 0.93 and fields["non2xx"] == "0" else "not met"
        print(f"| {line.split()[1]} | {fields['verified_rps']} | {fields['floor_rps']} | {fields['bare_rps']} | "
              f"{fields['ratio']} | {fields['floor_ratio']} | {fields['over_floor']} | {fields['non2xx']} | ≥ 0.93, {met} |")
for line in lines:
    if line.startswith("LOAD "):
        print(f"\n{line.split()[1]}: verified ÷ bare in each round: {line.split('ratios=')[1]}")
print("\n### Memory under a flood of distinct event ids\n")
print("`cargo run --release -p hookguard-bench --bin flood`: an axum receiver with the in-memory replay guard at its "
      "default bound, driven in-process with one million signed deliveries, each a new event id. Peak resident set size:\n")
print("| deliveries | peak RSS (KiB) | refused |")
print("|---:|---:|---:|")
for line in lines:
    match = re.match(r"FLOOD after (\d+) peak_rss_kib=(\d+) refused=(\d+)", line)
    if match:
        print(f"| {int(match[1]):,} | {int(match[2]):,} | {match[3]} |")
print("\nThe peak stops growing once the store holds its bound of keys: memory is bounded.")
PY

if "$write"; then
    python3 scripts/write_section.py load <"$work/section.md"
    progress "done: BENCHMARKS.md updated"
else
    cat "$work/section.md"
    progress "done: BENCHMARKS.md left as it is (pass --write to update it)"
fi
