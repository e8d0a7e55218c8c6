#!/usr/bin/env bash
# Unary gRPC throughput: VUS VUs calling hello.HelloService/SayHello in a closed loop for
# SECONDS against tests/servers/grpc_server.py (grpcio, PROCESSES processes sharing the port),
# k6 and rk6 interleaved in the same run (ROUNDS rounds). Reports requests/s and the
# efficiency number, requests per client CPU-second, with the server's CPU beside it: a
# Python server near 100 % of a core per process is the bottleneck, and then req/s says
# more about the server than about the client, while req per client CPU-s still compares.
#
#   bash bench/grpc.sh [--vus 20] [--seconds 10] [--rounds 2] [--processes 2] [--no-build]
#
# Writes bench/results/grpc-<stamp>/grpc.md (raw runs beside it). Only 127.0.0.1 is used.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
VUS=20; SECONDS_=10; ROUNDS=2; PROCESSES=2; BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --vus) VUS="$2"; shift ;;
    --seconds) SECONDS_="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --processes) PROCESSES="$2"; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
. "$BENCH_DIR/k6.sh"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
[ "$BUILD" = 1 ] && (cd "$ROOT" && cargo build --release 2>&1 | tail -1)
RESULTS="$BENCH_DIR/results/grpc-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$RESULTS"
WORK="$(mktemp -d /tmp/rk6-grpc.XXXXXX)"
cp "${RK6:-$TARGET_DIR/release/rk6}" "$WORK/rk6"
timeout $((SECONDS_ * ROUNDS * 2 + 300)) python3 "$ROOT/tests/servers/grpc_server.py" 0 \
  --processes "$PROCESSES" > "$WORK/server.out" 2>&1 & SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do grep -q '^PORT ' "$WORK/server.out" && break; sleep 0.1; done
PORT="$(awk '/^PORT /{print $2}' "$WORK/server.out")"
[ -n "$PORT" ] || { echo "the gRPC server did not start: $(cat "$WORK/server.out")" >&2; exit 1; }
# CPU seconds (user+sys) of the server and its forked helpers so far (every descendant of
# the `timeout` that started it).
server_cpu() {
  local pids="$SERVER" frontier="$SERVER" next pid total=0
  while [ -n "$frontier" ]; do
    next=""
    for pid in $frontier; do next="$next $(pgrep -P "$pid" || true)"; done
    frontier="$(echo $next)"; pids="$pids $frontier"
  done
  for pid in $pids; do
    total=$(awk -v t="$total" '{print t + ($14+$15)/100}' "/proc/$pid/stat" 2>/dev/null || echo "$total")
  done
  echo "$total"
}
run() { # label binary extra...
  local label="$1" bin="$2"; shift 2
  local before; before="$(server_cpu)"
  /usr/bin/time -f "%e %U %S %M" -o "$RESULTS/$label.time" \
    timeout -s INT -k 30 $((SECONDS_ + 60)) "$bin" run -q "$@" --summary-export "$RESULTS/$label.json" \
    -e GRPC_ADDR="127.0.0.1:$PORT" -e PROTO_DIR="$ROOT/tests/servers/grpc" -e VUS="$VUS" \
    -e SECONDS="$SECONDS_" "$BENCH_DIR/scripts/grpc_unary.js" > "$RESULTS/$label.out" 2>&1 || true
  awk -v a="$before" -v b="$(server_cpu)" 'BEGIN{print b - a}' > "$RESULTS/$label.server_cpu"
}
echo "grpc bench: $VUS VUs x $SECONDS_ s, $ROUNDS rounds, server $PROCESSES process(es) -> $RESULTS"
for round in $(seq "$ROUNDS"); do
  [ -n "$K6" ] && run "k6_$round" "$K6" --address ""
  run "rk6_$round" "$WORK/rk6"
done
python3 - "$RESULTS" "$VUS" "$SECONDS_" "$ROUNDS" "$PROCESSES" <<'PY'
import json, os, sys
res, vus, secs, rounds, procs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
def one(label):
    wall, user, sys_, rss = open(f"{res}/{label}.time").read().split()[-4:]
    m = json.load(open(f"{res}/{label}.json"))["metrics"]
    reqs = int(m["iterations"]["count"])
    cpu = float(user) + float(sys_)
    fails = int(m.get("checks", {}).get("fails", 0))
    return dict(reqs=reqs, rate=m["iterations"]["rate"], cpu=cpu, per_cpu=reqs / cpu if cpu else 0,
                p95=m.get("grpc_req_duration", {}).get("p(95)", 0), rss=int(rss) / 1024, fails=fails,
                server=float(open(f"{res}/{label}.server_cpu").read()), wall=float(wall))
rows = [f"# Unary gRPC: {vus} VUs, closed loop, {secs} s, grpcio server with {procs} process(es)", "",
        "| run | requests | req/s | p95 ms | client CPU s | **req per client CPU-s** | server CPU s (cores busy) | peak RSS | failed checks |",
        "|---|---|---|---|---|---|---|---|---|"]
means = {}
for tool in ("k6", "rk6"):
    for r in range(1, rounds + 1):
        label = f"{tool}_{r}"
        if not os.path.exists(f"{res}/{label}.json"):
            rows.append(f"| {label} | failed (see {label}.out) | | | | | | | |")
            continue
        x = one(label)
        means.setdefault(tool, []).append(x)
        rows.append(f"| {label} | {x['reqs']:,} | {x['rate']:.0f} | {x['p95']:.2f} | {x['cpu']:.1f} | **{x['per_cpu']:.0f}** | "
                    f"{x['server']:.1f} ({x['server'] / x['wall']:.2f}) | {x['rss']:.0f} MiB | {x['fails']} |")
if "k6" in means and "rk6" in means:
    avg = lambda tool, k: sum(x[k] for x in means[tool]) / len(means[tool])
    rows += ["", f"rk6/k6: req/s {avg('rk6', 'rate') / avg('k6', 'rate'):.2f}x, "
             f"req per client CPU-s {avg('rk6', 'per_cpu') / avg('k6', 'per_cpu'):.2f}x (> 1: rk6 better)"]
open(f"{res}/grpc.md", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
