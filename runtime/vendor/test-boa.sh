#!/usr/bin/env bash
# Runs Boa's own unit tests (`cargo test --lib`) on the patched boa_engine, boa_gc,
# boa_interner and boa_parser, built together as rk6 builds them (each against the other
# patched crates) and with the features rk6 enables (boa_engine: float16 + xsum, no default
# features).
#
# Why a scratch workspace: the vendored crates are excluded from rk6's workspace, and a test
# run inside them would rewrite their Cargo.lock (a drift check.sh rejects) and resolve
# boa_gc/boa_parser to the unpatched crates.io releases. The scratch workspace is
# patched the way rk6's top Cargo.toml is, starts from the Cargo.lock Boa published with
# boa_engine (Boa's tested dependency versions) and builds into target/boa-tests.
#
# Boa's integration tests (boa_engine/tests) and benches are not run: `--lib` is the
# unit-test suite that covers the patched modules (see RK6_PATCH.md for counts and time).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
vendor="$root/runtime/vendor"
crates=(boa_engine boa_gc boa_interner boa_parser)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for c in "${crates[@]}"; do cp -a "$vendor/$c" "$work/$c"; done
cp "$vendor/boa_engine/Cargo.lock" "$work/Cargo.lock"
{
  echo '[workspace]'
  echo 'members = ["boa_engine", "boa_gc", "boa_interner", "boa_parser"]'
  echo 'resolver = "2"'
  echo '[patch.crates-io]'
  for c in "${crates[@]}"; do echo "$c = { path = \"$c\" }"; done
} >"$work/Cargo.toml"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/boa-tests}"
cd "$work"
start=$SECONDS
cargo test --lib -p boa_gc -p boa_interner -p boa_parser -- --test-threads=2
cargo test --lib -p boa_engine --no-default-features --features float16,xsum -- --test-threads=2
echo "Boa's own unit tests: $((SECONDS - start)) s (build included)"
