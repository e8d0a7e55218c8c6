# Sourced by the bench scripts: K6 becomes the real k6 binary (K6 from the environment, else
# k6 on PATH; a pyenv shim, a bash script that costs ~95 ms per start, is resolved to the
# binary it runs), or stays empty when k6 is not installed. k6 sends no usage report.
K6="${K6:-$(command -v k6 || true)}"
if [ -n "$K6" ] && head -c 2 "$K6" 2>/dev/null | grep -q '#!' && command -v pyenv >/dev/null 2>&1; then
  K6="$(pyenv which k6 2>/dev/null || echo "$K6")"
fi
export K6_NO_USAGE_REPORT=true
