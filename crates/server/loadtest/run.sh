#!/usr/bin/env bash
# Load test of `POST /v1/screen` from a second process (wrk) on loopback, against the real UN list, audit on.
# Usage: crates/server/loadtest/run.sh [DURATION_SECONDS] [CONNECTIONS]
# Needs: a release build of `interdict` (cargo build --release -p interdict-cli), wrk, python3, ../shared/data.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
data="${INTERDICT_SHARED_DATA:-$repo/../shared/data}"
bin="${INTERDICT_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/interdict}"
duration="${1:-60}"
conns="${2:-16}"
port="${PORT:-18181}"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

[ -f "$data/lists/un/UN_consolidated.xml" ] || { echo "SKIPPED: $data/lists/un/UN_consolidated.xml not found"; exit 0; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }

"$bin" serve --db "$work/load.db" --listen "127.0.0.1:$port" --no-demo >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 50); do grep -q "admin key" "$work/serve.out" 2>/dev/null && break; sleep 0.2; done
admin=$(awk '/admin key/ {print $3}' "$work/serve.out")
analyst=$(awk '/analyst key/ {print $3}' "$work/serve.out")
curl -sf -o /dev/null -H "Authorization: Bearer $admin" --data-binary "@$data/lists/un/UN_consolidated.xml" \
  "http://127.0.0.1:$port/v1/lists/un_sc"
python3 "$here/make_bodies.py" "$data" "$work/bodies.jsonl"
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }  # server user + system time, clock ticks
echo "server RSS before warm-up: $(rss) KiB"
BODIES="$work/bodies.jsonl" KEY="$analyst" wrk -t1 -c"$conns" -d5s -s "$here/screen.lua" "http://127.0.0.1:$port" >/dev/null
echo "server RSS after 5 s warm-up: $(rss) KiB"
"$bin" audit anchor --db "$work/load.db" --append "$work/anchors.jsonl" >/dev/null
echo "load before the run: $(uptime)"
ticks_before=$(cpu_ticks)
BODIES="$work/bodies.jsonl" KEY="$analyst" wrk -t1 -c"$conns" -d"${duration}s" --latency -s "$here/screen.lua" \
  "http://127.0.0.1:$port" | tee "$work/wrk.out" &
wrk_pid=$!
sleep $((duration / 2)); echo "load mid-run: $(uptime)"
wait "$wrk_pid"
ticks_after=$(cpu_ticks)
echo "server RSS after ${duration} s: $(rss) KiB"
requests=$(awk '/requests in/ {print $1}' "$work/wrk.out")
hz=$(getconf CLK_TCK)
echo "server CPU: $(( (ticks_after - ticks_before) * 1000 / hz )) ms for $requests requests" \
  "($(( (ticks_after - ticks_before) * 1000000 / hz / (requests > 0 ? requests : 1) )) us per request)"
kill -TERM "$server"; wait "$server" || true
"$bin" audit verify --db "$work/load.db" --anchor "$work/anchors.jsonl"
rm -rf "$work"
