#!/usr/bin/env bash
# Regenerates what `check.sh` verifies the vendored Boa against:
#   patches/<crate>.patch   the whole difference between the published crate and our copy
#                           (a git-style unified diff, new files included);
#   patches/pristine.sha256 the SHA-256 of every file of the published crates.
#
# Where the pristine sources come from: the crates as published on crates.io (not Boa's git
# tree, which lays files out differently and has no normalised Cargo.toml). They are fetched
# with cargo itself, through a throw-away manifest that depends on the exact versions, and
# each downloaded `.crate` archive must have the checksum crates.io's index records for it
# (pinned below; cargo verifies it on download too). Boa's git commit for 0.22.0 is in each
# crate's `.cargo_vcs_info.json` (337a3668a0dc86dd401ea20906e782249a64a228).
#
# Run it after every change to runtime/vendor/<crate> (and commit its output with the change):
#   runtime/vendor/regen-patches.sh
# It needs crates.io once (or the four archives already in ~/.cargo/registry/cache);
# check.sh needs nothing but the committed files.
set -euo pipefail
vendor="$(cd "$(dirname "$0")" && pwd)"
version=0.22.0
declare -A checksum=(
  [boa_engine]=5d6aaf7fdc4299df68adb67e1a5440a51d34630a1f5271b9698fd74bc97b60d9
  [boa_gc]=af82119558ab1002d1978c8459b53a3ebb506177d29a3aca37c07c1777b1d966
  [boa_interner]=317c631e791f5cb7d0017e43c0a758b0eaffd40c34c4c360e2a6be7752b78cd1
  [boa_parser]=641e81b3c8cbb7a2140547fb3ea534e9edf210b4e8c920b5fa864a919e11fbcf
)
crates=(boa_engine boa_gc boa_interner boa_parser)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Let cargo download the archives (a no-op when they are cached already).
mkdir -p "$work/fetch/src"
{
  printf '[package]\nname = "rk6-boa-pristine"\nversion = "0.0.0"\nedition = "2021"\n'
  printf '[dependencies]\n'
  for c in "${crates[@]}"; do printf '%s = "=%s"\n' "$c" "$version"; done
} >"$work/fetch/Cargo.toml"
: >"$work/fetch/src/lib.rs"
cargo fetch --quiet --manifest-path "$work/fetch/Cargo.toml"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"

manifest="$vendor/patches/pristine.sha256"
mkdir -p "$vendor/patches"
{
  echo "# SHA-256 of every file of the published crates, written by regen-patches.sh."
  for c in "${crates[@]}"; do echo "# $c-$version.crate sha256 ${checksum[$c]}"; done
} >"$manifest.new"

for c in "${crates[@]}"; do
  archive="$(find "$cargo_home/registry/cache" -name "$c-$version.crate" | head -n1)"
  [ -n "$archive" ] || { echo "regen-patches: $c-$version.crate not in $cargo_home/registry/cache" >&2; exit 1; }
  actual="$(sha256sum "$archive" | cut -d' ' -f1)"
  if [ "$actual" != "${checksum[$c]}" ]; then
    echo "regen-patches: $archive has sha256 $actual, crates.io says ${checksum[$c]}" >&2
    exit 1
  fi
  tar -xzf "$archive" -C "$work"

  # A scratch repository holding the pristine tree, then ours over it: `git diff` gives
  # stable a/ b/ paths, no timestamps, new and deleted files, and binary files if any.
  repo="$work/repo-$c"
  git init --quiet "$repo"
  cp -a "$work/$c-$version/." "$repo/"
  git -C "$repo" add -A
  git -C "$repo" -c user.name=rk6 -c user.email=rk6@localhost commit --quiet -m pristine
  find "$repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
  cp -a "$vendor/$c/." "$repo/"
  git -C "$repo" add -A
  git -C "$repo" -c core.autocrlf=false -c diff.noprefix=false diff --cached --binary \
    --no-color --no-ext-diff --no-renames >"$vendor/patches/$c.patch"

  (cd "$work/$c-$version" && find . -type f | LC_ALL=C sort | sed 's|^\./||' |
    while IFS= read -r f; do sha256sum "$f" | sed "s|  |  $c/|"; done) >>"$manifest.new"
done
mv "$manifest.new" "$manifest"
echo "regen-patches: wrote $(cd "$vendor" && ls patches/*)"
