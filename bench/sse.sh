#!/usr/bin/env bash
# Streams at scale: VUS concurrent streamed completions from rk6's built-in target (TOKENS
# tokens each at RATE per second, the first after FIRST_MS), read with k6/experimental/sse
# (OpenAI's SSE chat completion) or, with --module stream, k6/x/stream (Ollama's NDJSON),
# and rk6's timing metrics. --stagger-ms spreads the starts. Reports how close the measured
# gaps and time to first event are to the server's schedule, and the client's CPU and peak
# RSS. k6 v1.1 has neither module, so there is no k6 column.
#
#   bash bench/sse.sh [--vus 1000] [--tokens 100] [--rate 20] [--first-ms 100]
#                     [--stagger-ms 0] [--module sse|stream] [--no-build]
#
# Writes bench/results/sse-<stamp>/sse.md. Only 127.0.0.1 is used.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
VUS=1000; TOKENS=100; RATE=20; FIRST_MS=100; STAGGER_MS=0; MODULE=sse; BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --vus) VUS="$2"; shift ;;
    --tokens) TOKENS="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --first-ms) FIRST_MS="$2"; shift ;;
    --stagger-ms) STAGGER_MS="$2"; shift ;;
    --module) MODULE="$2"; shift ;;
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
LIMIT=$(( TOKENS / RATE + STAGGER_MS / 1000 + 90 ))
echo "$MODULE bench: $VUS streams x $TOKENS tokens at $RATE/s -> $RESULTS"
/usr/bin/time -f "%e %U %S %M" -o "$RESULTS/rk6.time" \
  timeout -s INT -k 30 "$LIMIT" "$WORK/rk6" run -q --summary-export "$RESULTS/rk6.json" \
  -e BASE_URL="http://127.0.0.1:$PORT" -e VUS="$VUS" -e TOKENS="$TOKENS" -e RATE="$RATE" \
  -e FIRST_MS="$FIRST_MS" -e STAGGER_MS="$STAGGER_MS" -e MODULE="$MODULE" "$BENCH_DIR/scripts/sse_streams.js" > "$RESULTS/rk6.out" 2>&1 || true
SERVER_CPU="$(awk '{print ($14+$15)/100}' "/proc/$SERVER/stat")"
python3 - "$RESULTS" "$VUS" "$TOKENS" "$RATE" "$FIRST_MS" "$SERVER_CPU" "$MODULE" "$STAGGER_MS" <<'PY'
import json, sys
res, vus, tokens, rate, first, server_cpu, module, stagger = sys.argv[1:]
gap = 1000 / float(rate)
wall, user, sys_, rss = open(f"{res}/rk6.time").read().split()[-4:]
m = json.load(open(f"{res}/rk6.json"))["metrics"]
names = {"sse": ("sse_event", "sse_event_gap", "sse_time_to_first_event"),
         "stream": ("stream_chunk", "stream_chunk_gap", "stream_time_to_first_chunk")}[module]
count, g, t = m[names[0]], m[names[1]], m[names[2]]
rows = [
    f"# {module}: {vus} concurrent streams, {tokens} tokens at {rate}/s (gap {gap:g} ms), first after {first} ms, starts over {stagger} ms", "",
    "| events | gap p50 (ms) | gap p95 | time to first event p50 (ms) | p95 | client wall s | client CPU s | client peak RSS | target CPU s |",
    "|---|---|---|---|---|---|---|---|---|",
    f"| {int(count['count'])} | {g['med']:.2f} | {g['p(95)']:.2f} | {t['med']:.2f} | {t['p(95)']:.2f} "
    f"| {float(wall):.1f} | {float(user) + float(sys_):.2f} | {int(rss) / 1024:.0f} MiB | {float(server_cpu):.2f} |",
]
open(f"{res}/sse.md", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
