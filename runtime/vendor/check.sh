#!/usr/bin/env bash
# Fails unless runtime/vendor/<crate> is exactly the published crate plus
# patches/<crate>.patch, for each vendored Boa crate. Needs only committed files (no network):
# it reverse-applies each patch to a scratch copy of our crate and then requires the result
# to be, file for file, the published crate recorded in patches/pristine.sha256 (no file
# changed, missing or extra). So an edit to the vendored code that was not folded into the
# patches with regen-patches.sh fails here, and so does a patch file edited by hand.
set -euo pipefail
vendor="$(cd "$(dirname "$0")" && pwd)"
crates=(boa_engine boa_gc boa_interner boa_parser)
manifest="$vendor/patches/pristine.sha256"
regen="run runtime/vendor/regen-patches.sh and commit runtime/vendor/patches/ with the change"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
  echo "vendored Boa drift: $1" >&2
  echo "  If the change to runtime/vendor is intended, record it in the crate's RK6_PATCH.md," >&2
  echo "  mark it 'rk6 patch' in the code, then $regen." >&2
  exit 1
}

for c in "${crates[@]}"; do
  [ -f "$vendor/patches/$c.patch" ] || fail "patches/$c.patch is missing"
  cp -a "$vendor/$c" "$work/$c"
  # git apply is strict: no fuzz, whole-file context; it works outside a repository.
  if ! (cd "$work/$c" && git apply --reverse --whitespace=nowarn "$vendor/patches/$c.patch") 2>"$work/apply.err"; then
    sed 's/^/  /' "$work/apply.err" >&2
    fail "patches/$c.patch does not reverse-apply to runtime/vendor/$c"
  fi
done

# Every file left must be a pristine one with the recorded hash ...
if ! (cd "$work" && grep -v '^#' "$manifest" | sha256sum --check --quiet --strict) >"$work/sum.err" 2>&1; then
  sed 's/^/  /' "$work/sum.err" >&2
  fail "after removing the patches, these files differ from the published crates"
fi
# ... and no file may be there that the published crates do not have.
(cd "$work" && find "${crates[@]}" -type f | LC_ALL=C sort) >"$work/have"
grep -v '^#' "$manifest" | cut -c67- | LC_ALL=C sort >"$work/want"
extra="$(comm -23 "$work/have" "$work/want")"
[ -z "$extra" ] || fail "files not in the published crates nor in the patches:
$(printf '%s\n' "$extra" | sed 's/^/  /')"

# RK6_PATCH.md promises that every changed spot says `rk6 patch`: each hunk of Rust code
# in the patches must show the marker (on a changed line or within its 3 lines of context).
unmarked="$(for c in "${crates[@]}"; do
  awk -v patch="$c.patch" '
    function done_hunk() { if (hunk != "" && file ~ /\.rs$/ && !marked) print patch ": " file " " hunk }
    /^diff --git / { done_hunk(); hunk = ""; file = $NF; next }
    /^@@ / { done_hunk(); hunk = $2 " " $3; marked = 0; next }
    /rk6 patch/ { marked = 1 }
    END { done_hunk() }
  ' "$vendor/patches/$c.patch"
done)"
[ -z "$unmarked" ] || fail "changed code without an 'rk6 patch' marker nearby:
$(printf '%s\n' "$unmarked" | sed 's/^/  /')"

echo "vendored Boa: ${crates[*]} = published 0.22.0 crates + runtime/vendor/patches/*.patch"
