#!/usr/bin/env bash
# Server-Sent Events at scale: VUS concurrent streamed chat completions from rk6's built-in
# target (TOKENS tokens each at RATE per second, the first after FIRST_MS), read with
# k6/experimental/sse and rk6's timing metrics. Reports how close the measured gaps and
# time to first event are to the server's schedule, and the client's CPU and peak RSS.
# k6 v1.1 has no SSE module, so there is no k6 column.
#
#   bash bench/sse.sh [--vus 1000] [--tokens 100] [--rate 20] [--first-ms 100] [--no-build]
#
# Writes bench/results/sse-<stamp>/sse.md. Only 127.0.0.1 is used.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
VUS=1000; TOKENS=100; RATE=20; FIRST_MS=100; BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --vus) VUS="$2"; shift ;;
    --tokens) TOKENS="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --first-ms) FIRST_MS="$2"; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$BUILD" = 1 ] && (cd "$ROOT" && cargo build --release 2>&1 | tail -1)
RESULTS="$BENCH_DIR/results/sse-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$RESULTS"
WORK="$(mktemp -d /tmp/rk6-sse.XXXXXX)"
cp "$ROOT/target/release/rk6" "$WORK/rk6"
ulimit -n 20000 2>/dev/null || true
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$WORK/rk6" target --listen "127.0.0.1:$PORT" >/dev/null 2>&1 & SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
sleep 1
LIMIT=$(( TOKENS / RATE + 90 ))
echo "sse bench: $VUS streams x $TOKENS tokens at $RATE/s -> $RESULTS"
/usr/bin/time -f "%e %U %S %M" -o "$RESULTS/rk6.time" \
  timeout -s INT -k 30 "$LIMIT" "$WORK/rk6" run -q --summary-export "$RESULTS/rk6.json" \
  -e BASE_URL="http://127.0.0.1:$PORT" -e VUS="$VUS" -e TOKENS="$TOKENS" -e RATE="$RATE" \
  -e FIRST_MS="$FIRST_MS" "$BENCH_DIR/scripts/sse_streams.js" > "$RESULTS/rk6.out" 2>&1 || true
SERVER_CPU="$(awk '{print ($14+$15)/100}' "/proc/$SERVER/stat")"
python3 - "$RESULTS" "$VUS" "$TOKENS" "$RATE" "$FIRST_MS" "$SERVER_CPU" <<'PY'
import json, sys
res, vus, tokens, rate, first, server_cpu = sys.argv[1:]
gap = 1000 / float(rate)
wall, user, sys_, rss = open(f"{res}/rk6.time").read().split()[-4:]
m = json.load(open(f"{res}/rk6.json"))["metrics"]
g, t = m["sse_event_gap"], m["sse_time_to_first_event"]
rows = [
    f"# SSE: {vus} concurrent streams, {tokens} tokens at {rate}/s (gap {gap:g} ms), first after {first} ms", "",
    "| events | gap p50 (ms) | gap p95 | time to first event p50 (ms) | p95 | client wall s | client CPU s | client peak RSS | target CPU s |",
    "|---|---|---|---|---|---|---|---|---|",
    f"| {int(m['sse_event']['count'])} | {g['med']:.2f} | {g['p(95)']:.2f} | {t['med']:.2f} | {t['p(95)']:.2f} "
    f"| {float(wall):.1f} | {float(user) + float(sys_):.2f} | {int(rss) / 1024:.0f} MiB | {float(server_cpu):.2f} |",
]
open(f"{res}/sse.md", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
