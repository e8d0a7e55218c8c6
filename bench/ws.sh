#!/usr/bin/env bash
# WebSockets at scale: 1,000 concurrent k6/ws sessions, a message per 100 ms each for 20 s,
# against rk6's built-in echo (/ws/echo), rk6 then k6; peak RSS and CPU side by side.
#
#   bash bench/ws.sh [--vus 1000] [--seconds 20] [--no-build]
#
# Writes bench/results/ws-<stamp>/ws.md. Only 127.0.0.1 is used.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
VUS=1000; SECONDS_=20; BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --vus) VUS="$2"; shift ;;
    --seconds) SECONDS_="$2"; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
. "$BENCH_DIR/k6.sh"
[ "$BUILD" = 1 ] && (cd "$ROOT" && cargo build --release 2>&1 | tail -1)
RESULTS="$BENCH_DIR/results/ws-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$RESULTS"
WORK="$(mktemp -d /tmp/rk6-ws.XXXXXX)"
cp "$ROOT/target/release/rk6" "$WORK/rk6"
ulimit -n 20000 2>/dev/null || true
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$WORK/rk6" target --listen "127.0.0.1:$PORT" >/dev/null 2>&1 & SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
sleep 1
run() { # name binary extra...
  local name="$1" bin="$2"; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$RESULTS/$name.time" \
    timeout -s INT -k 30 $((SECONDS_ + 90)) "$bin" run -q "$@" --summary-export "$RESULTS/$name.json" \
    -e WS_URL="ws://127.0.0.1:$PORT/ws/echo" -e VUS="$VUS" -e SECONDS="$SECONDS_" \
    "$BENCH_DIR/scripts/ws_sessions.js" > "$RESULTS/$name.out" 2>&1 || true
}
echo "ws bench: $VUS sessions x $SECONDS_ s -> $RESULTS"
run rk6 "$WORK/rk6"
run k6 "$K6" --address ""
python3 - "$RESULTS" "$VUS" "$SECONDS_" <<'PY'
import json, sys
res, vus, secs = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [f"# WebSockets: {vus} concurrent k6/ws sessions, a message per 100 ms for {secs} s", "",
        "| tool | sessions | msgs sent | msgs received | wall s | CPU s (user+sys) | peak RSS |", "|---|---|---|---|---|---|---|"]
for tool in ("rk6", "k6"):
    try:
        wall, user, sys_, rss = open(f"{res}/{tool}.time").read().split()[-4:]
        m = json.load(open(f"{res}/{tool}.json"))["metrics"]
        g = lambda k: int(m.get(k, {}).get("count", 0))
        rows.append(f"| {tool} | {g('ws_sessions')} | {g('ws_msgs_sent')} | {g('ws_msgs_received')} | {float(wall):.1f} | {float(user)+float(sys_):.1f} | {int(rss)/1024:.0f} MiB |")
    except Exception as e:
        rows.append(f"| {tool} | failed: {e} | | | | | |")
open(f"{res}/ws.md", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
