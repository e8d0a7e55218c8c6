#!/usr/bin/env python3
"""Differential runner for tests/upstream (k6 v1.1 vs rk6).

Usage (cwd does not matter; scripts run with cwd = tests/upstream):
  HTTPBIN=http://127.0.0.1:19080 WS_ECHO=ws://127.0.0.1:19081/ HTTPBIN_TLS=https://127.0.0.1:19443 GRPC_ADDR=127.0.0.1:19082 \
  python3 tests/upstream/run_diff.py [--rk6 PATH] [--k6 PATH] [--out DIR] [--jobs N] [name-regex]

For every manifest entry that is not skipped it runs
  timeout 60 <tool> run --quiet --summary-export <out>/<name>.<tool>.json <args...> <script>
and writes <out>/results.json with exit codes, metric names, checks, threshold
verdicts and error/console lines of both tools, plus a per-entry diff summary.
"""
import argparse, concurrent.futures as cf, json, os, re, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))

def logfmt_lines(stderr):
    out = []
    for line in stderr.splitlines():
        m = re.search(r'level=(\w+) msg=(?:"((?:[^"\\]|\\.)*)"|(\S*))', line)
        if m:
            out.append((m.group(1), m.group(2) if m.group(2) is not None else m.group(3)))
        elif line.strip():
            out.append(("raw", line.strip()))
    return out

def collect_checks(group, path, acc):
    for name, c in (group.get("checks") or {}).items():
        acc[path + "::" + name] = [c.get("passes"), c.get("fails")]
    for gname, g in (group.get("groups") or {}).items():
        collect_checks(g, path + "::" + gname, acc)
    return acc

def run(tool, entry, out, env):
    tag = os.path.basename(tool)
    export = os.path.join(out, f"{entry['name']}.{tag}.json")
    if os.path.exists(export):
        os.remove(export)
    cmd = ["timeout", "60", tool, "run", "--quiet", "--summary-export", export] + entry["args"] + [entry["script"]]
    e = dict(os.environ); e.update(env); e.update(entry["env"])
    t0 = time.time()
    p = subprocess.run(cmd, cwd=HERE, env=e, capture_output=True, text=True, errors="replace")
    dt = time.time() - t0
    res = {"exit": p.returncode, "secs": round(dt, 2), "stdout_tail": p.stdout[-2000:], "stderr": p.stderr[-20000:]}
    res["lines"] = logfmt_lines(p.stderr)
    try:
        j = json.load(open(export))
        res["metrics"] = sorted(j.get("metrics", {}).keys())
        res["checks"] = collect_checks(j.get("root_group", {}), "", {})
        res["thresholds"] = {m: v.get("thresholds") for m, v in j.get("metrics", {}).items() if v.get("thresholds")}
        res["iterations"] = j.get("metrics", {}).get("iterations", {}).get("count")
    except Exception as ex:
        res["export_error"] = str(ex)
    return res

def diff(entry, a, b):
    d = []
    if a["exit"] != b["exit"]:
        d.append(f"exit {a['exit']} vs {b['exit']}")
    if "metrics" in a and "metrics" in b:
        ma, mb = set(a["metrics"]), set(b["metrics"])
        if ma - mb: d.append("metrics only in k6: " + ", ".join(sorted(ma - mb)))
        if mb - ma: d.append("metrics only in rk6: " + ", ".join(sorted(mb - ma)))
    elif ("metrics" in a) != ("metrics" in b):
        d.append("summary-export only written by " + ("k6" if "metrics" in a else "rk6"))
    ca, cb = a.get("checks", {}), b.get("checks", {})
    for k in sorted(set(ca) | set(cb)):
        if ca.get(k) != cb.get(k):
            if entry["checks"] == "exact" or (k not in ca or k not in cb):
                d.append(f"check {k}: {ca.get(k)} vs {cb.get(k)}")
    ta, tb = a.get("thresholds", {}), b.get("thresholds", {})
    for m in sorted(set(ta) | set(tb)):
        if ta.get(m) != tb.get(m):
            timing = any(m == t or m.startswith(t.split("{")[0]) and "<HTTPBIN>" in t for t in entry["timing_thresholds"])
            d.append(("(timing) " if timing else "") + f"thresholds {m}: {ta.get(m)} vs {tb.get(m)}")
    ea = [l for l in a["lines"] if l[0] in ("error", "raw")]
    eb = [l for l in b["lines"] if l[0] in ("error", "raw")]
    if ea != eb:
        d.append("error lines differ")
    norm = lambda ls: sorted(re.sub(r"\d+", "N", m) for lvl, m in ls if lvl in ("info", "warning", "debug"))
    if norm(a["lines"]) != norm(b["lines"]):
        d.append("console/info/warn lines differ")
    return d

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--k6", default="k6")
    ap.add_argument("--rk6", default=os.path.join(HERE, "..", "..", "target", "debug", "rk6"))
    ap.add_argument("--out", default="/tmp/upstream_results")
    ap.add_argument("--jobs", type=int, default=1)  # >1 makes both tools fight over the REST API port 6565
    ap.add_argument("filter", nargs="?", default="")
    o = ap.parse_args()
    os.makedirs(o.out, exist_ok=True)
    env = {k: os.environ[k] for k in ("HTTPBIN", "WS_ECHO", "HTTPBIN_TLS", "GRPC_ADDR") if k in os.environ}
    man = json.load(open(os.path.join(HERE, "manifest.json")))
    todo = [m for m in man if not m["skip"] and re.search(o.filter, m["name"])]
    rk6 = os.path.abspath(o.rk6)
    def one(m):
        a = run(o.k6, m, o.out, env)
        b = run(rk6, m, o.out, env)
        return m["name"], {"k6": a, "rk6": b, "diff": diff(m, a, b)}
    results = {}
    with cf.ThreadPoolExecutor(o.jobs) as ex:
        for name, r in ex.map(one, todo):
            results[name] = r
            print(f"{name:45s} k6={r['k6']['exit']:<4} rk6={r['rk6']['exit']:<4} {'; '.join(r['diff'])[:300]}", flush=True)
    prev = {}
    p = os.path.join(o.out, "results.json")
    if os.path.exists(p) and o.filter:
        prev = json.load(open(p))
    prev.update(results)
    json.dump(prev, open(p, "w"), indent=1)

if __name__ == "__main__":
    main()
