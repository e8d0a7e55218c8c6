#!/usr/bin/env python3
"""Summarise one bench/run.sh results directory.

    report.py RESULTS_DIR        # prints the tables, writes RESULTS_DIR/summary.json
    report.py --rate-met SUMMARY.json RATE SECONDS   # exit 0 if that open-model run met RATE

Inputs (all under RESULTS_DIR/raw/): LABEL.meta.json (measure.py), LABEL.json
(--summary-export of k6/rk6), LABEL.out (wrk's stdout), hyperfine_startup.json.
"""
import glob
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import parse_time_file  # noqa: E402


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


class Results:
    def __init__(self, root):
        self.root = root
        self.raw = os.path.join(root, "raw")

    def meta(self, label):
        return load_json(os.path.join(self.raw, label + ".meta.json"))

    def summary(self, label):
        return load_json(os.path.join(self.raw, label + ".json"))

    def maxrate_seconds(self):
        """MAXRATE_DUR of the run (env.txt), 5 s if not recorded."""
        m = re.search(r"maxrate (\d+)s", read(os.path.join(self.root, "env.txt")))
        return float(m.group(1)) if m else 5.0

    def labels(self, prefix):
        """Labels like PREFIX_r1, PREFIX_r2 ... in run order."""
        found = []
        for p in glob.glob(os.path.join(self.raw, prefix + "_r*.meta.json")):
            lab = os.path.basename(p)[: -len(".meta.json")]
            m = re.search(r"_r(\d+)$", lab)
            if m:
                found.append((int(m.group(1)), lab))
        return [lab for _, lab in sorted(found)]


def metric(summary, name, field):
    if not summary:
        return None
    m = summary.get("metrics", {}).get(name)
    if not isinstance(m, dict):
        return None
    v = m.get(field)
    if v is None and isinstance(m.get("values"), dict):  # newer (non-legacy) shape, just in case
        v = m["values"].get(field)
    return v


CLEAN_FRACTION = 0.025  # other processes may use at most 2.5 % of capacity ...
CLEAN_FLOOR_S = 0.05    # ... or 0.05 CPU-s, whichever is larger (short startup runs)


def is_clean(meta):
    cap = meta.get("capacity_cpu_s") or 0
    return meta["other_user_cpu_s"] <= max(CLEAN_FRACTION * cap, CLEAN_FLOOR_S)


def run_record(res, label, tool):
    """One measurement as a flat dict."""
    meta = res.meta(label)
    if meta is None:
        return None
    if meta.get("client_vol_cs") is None:  # older meta files: read /usr/bin/time's output directly
        tm = parse_time_file(os.path.join(res.raw, label + ".time"))
        meta["client_vol_cs"], meta["client_invol_cs"] = tm.get("vol_cs"), tm.get("invol_cs")
    rec = {
        "label": label,
        "tool": tool,
        "exit_code": meta["exit_code"],
        "timed_out": meta.get("timed_out", False),
        "wall_s": meta["wall_s"],
        "cpu_s": meta["client_cpu_s"],
        "user_s": meta["client_user_s"],
        "sys_s": meta["client_sys_s"],
        "maxrss_mib": (meta["client_maxrss_kib"] or 0) / 1024.0,
        "maxrss_kib": meta["client_maxrss_kib"],
        "server_cpu_s": (None if meta.get("server_user_s") is None
                         else meta["server_user_s"] + meta["server_sys_s"]),
        "other_cpu_s": meta["other_user_cpu_s"],
        "steal_s": meta.get("machine", {}).get("steal"),
        "vol_cs": meta.get("client_vol_cs"),
        "invol_cs": meta.get("client_invol_cs"),
        "clean": is_clean(meta),
        "load": meta["loadavg_at_start"],
        "quiet_wait": meta.get("quiet_wait", {}),
        "reqs": None, "rate": None, "p95_ms": None, "avg_ms": None,
        "iters": None, "iter_rate": None, "failed_rate": None,
    }
    if tool == "wrk":
        out = read(os.path.join(res.raw, label + ".out"))
        m = re.search(r"Requests/sec:\s+([\d.]+)", out)
        n = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
        if m:
            rec["rate"] = float(m.group(1))
        if n:
            rec["reqs"] = int(n.group(1))
        for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
            p = re.search(r"^\s+" + pct + r"%\s+([\d.]+)(us|ms|s)", out, re.M)
            if p:
                rec[key] = float(p.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[p.group(2)]
    else:
        s = res.summary(label)
        rec["summary_ok"] = s is not None
        rec["reqs"] = metric(s, "http_reqs", "count")
        rec["rate"] = metric(s, "http_reqs", "rate")
        rec["p95_ms"] = metric(s, "http_req_duration", "p(95)")
        rec["avg_ms"] = metric(s, "http_req_duration", "avg")
        rec["iters"] = metric(s, "iterations", "count")
        rec["iter_rate"] = metric(s, "iterations", "rate")
        rec["iter_avg_ms"] = metric(s, "iteration_duration", "avg")
        rec["p50_ms"] = metric(s, "http_req_duration", "med")
        rec["dropped"] = metric(s, "dropped_iterations", "count") or 0
        rec["lag_p99_ms"] = metric(s, "iteration_start_lag", "p(99)")
        rec["iter_p95_ms"] = metric(s, "iteration_duration", "p(95)")
        rec["http_avg_ms"] = rec["avg_ms"]
        rec["failed_rate"] = metric(s, "http_req_failed", "value")
        if rec["failed_rate"] is None:
            rec["failed_rate"] = metric(s, "http_req_failed", "rate")
    rec.setdefault("iter_avg_ms", None)
    rec.setdefault("iter_p95_ms", None)
    rec["cs_per_req"] = None
    if rec["reqs"] and rec["vol_cs"] is not None:
        rec["cs_per_req"] = (rec["vol_cs"] + (rec["invol_cs"] or 0)) / rec["reqs"]
    if rec["reqs"] and rec["cpu_s"]:
        rec["req_per_cpu_s"] = rec["reqs"] / rec["cpu_s"]
    else:
        rec["req_per_cpu_s"] = None
    return rec


def mean(xs):
    xs = [x for x in xs if x is not None]
    return statistics.mean(xs) if xs else None


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fnum(v, digits=0):
    if v is None:
        return "-"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def fruns(recs, key, digits=0):
    """'a / b' with a '*' after runs that were NOISY."""
    if not recs:
        return "-"
    parts = []
    for r in recs:
        v = r.get(key)
        parts.append(fnum(v, digits) + ("" if r["clean"] else "*"))
    return " / ".join(parts)


def fratio(v):
    return "-" if v is None else f"{v:.2f}x"


def rate_met(summary, rate, seconds):
    """An open-model run met its rate: nothing dropped, >= 98 % of the planned iterations, and
    they ran on time: iterations/s over the whole test >= 98 % of the rate (a scheduler that
    falls behind drops nothing but stretches the test)."""
    if not summary:
        return False
    dropped = metric(summary, "dropped_iterations", "count") or 0
    iters = metric(summary, "iterations", "count") or 0
    achieved = metric(summary, "iterations", "rate") or 0
    return dropped == 0 and iters >= 0.98 * rate * seconds and achieved >= 0.98 * rate


def highest_rate(res, tool):
    """The highest rate of the 5b ladder this tool met (steps stop at the first miss)."""
    best = None
    for p in glob.glob(os.path.join(res.raw, f"{tool}_maxrate*.meta.json")):
        rate = int(re.search(r"maxrate(\d+)", p).group(1))
        if rate_met(res.summary(f"{tool}_maxrate{rate}"), rate, res.maxrate_seconds()) and (best is None or rate > best):
            best = rate
    return best


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--rate-met":
        sys.exit(0 if rate_met(load_json(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])) else 1)
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    res = Results(sys.argv[1])
    env = read(os.path.join(res.root, "env.txt"))
    out = {"env": env, "throughput": {}, "memory": {}, "scale": {}, "startup": {}}

    # ---- throughput
    tp = {}
    for tool in ("k6", "rk6"):
        for s in ("basic", "check"):
            tp[(tool, s)] = [r for r in (run_record(res, lab, tool) for lab in res.labels(f"{tool}_{s}")) if r]
    wrk = [r for r in (run_record(res, lab, "wrk") for lab in res.labels("wrk")) if r]
    out["throughput"] = {f"{t}_{s}": v for (t, s), v in tp.items()}
    out["throughput"]["wrk"] = wrk

    # ---- memory
    mem = {}
    for tool in ("k6", "rk6"):
        for v in (100, 1000):
            mem[(tool, v)] = run_record(res, f"{tool}_mem{v}", tool)
    slope = {}
    for tool in ("k6", "rk6"):
        a, b = mem[(tool, 100)], mem[(tool, 1000)]
        if a and b and a["maxrss_kib"] and b["maxrss_kib"]:
            slope[tool] = (b["maxrss_kib"] - a["maxrss_kib"]) / 900.0  # KiB per VU
        else:
            slope[tool] = None
    out["memory"] = {f"{t}_{v}": r for (t, v), r in mem.items()}
    out["memory"]["slope_kib_per_vu"] = slope
    real = {(t, v): run_record(res, f"{t}_real{v}", t) for t in ("k6", "rk6") for v in (100, 1000)}
    real_slope = {}
    for tool in ("k6", "rk6"):
        a, b = real[(tool, 100)], real[(tool, 1000)]
        ok = a and b and a["maxrss_kib"] and b["maxrss_kib"]
        real_slope[tool] = (b["maxrss_kib"] - a["maxrss_kib"]) / 900.0 if ok else None
    out["memory_realistic"] = {f"{t}_{v}": r for (t, v), r in real.items()}
    out["memory_realistic"]["slope_kib_per_vu"] = real_slope

    # ---- scale
    scale = {t: run_record(res, f"{t}_scale5000", t) for t in ("k6", "rk6")}
    out["scale"] = scale

    def completed(r):
        if r is None:
            return None
        return r["exit_code"] == 0 and not r["timed_out"] and bool(r.get("summary_ok"))

    # ---- startup
    hf = load_json(os.path.join(res.raw, "hyperfine_startup.json"))
    startup = {}
    if hf:
        for rr in hf.get("results", []):
            name = rr.get("command")
            startup[name] = {"mean": rr["mean"], "stddev": rr.get("stddev"), "min": rr["min"],
                             "max": rr["max"], "user": rr.get("user"), "system": rr.get("system"),
                             "runs": len(rr.get("times", []))}
    single = {t: run_record(res, f"{t}_startup1000", t) for t in ("k6", "rk6")}
    out["startup"] = {"hyperfine": startup, "single": single}

    # ---- open model and latency overhead
    opened = {t: run_record(res, f"{t}_open", t) for t in ("k6", "rk6")}
    lat = {t: run_record(res, f"{t}_latency", t) for t in ("k6", "rk6", "wrk")}
    lat["wrk_c1"] = run_record(res, "wrk_latency_c1", "wrk")
    lat_cpu0 = {t: run_record(res, f"{t}_latency_cpu0", t) for t in ("k6", "rk6", "wrk")}
    out["open_model"], out["latency"], out["latency_cpu0"] = opened, lat, lat_cpu0
    maxrate = {t: highest_rate(res, t) for t in ("k6", "rk6")}
    out["max_arrival_rate"] = maxrate

    # ---- main table
    rows = []

    def row(name, k6v, rk6v, rat, wrkv="-"):
        rows.append((name, k6v, rk6v, rat, wrkv))

    for s, nm in (("basic", "req/s 50 VUs"), ("check", "req/s 50 VUs + check")):
        k, r = tp[("k6", s)], tp[("rk6", s)]
        row(nm, fruns(k, "rate"), fruns(r, "rate"),
            fratio(ratio(mean(x["rate"] for x in r), mean(x["rate"] for x in k))),
            fruns(wrk, "rate") if s == "basic" else "-")
    for s, nm in (("basic", "req per CPU-s 50 VUs"), ("check", "req per CPU-s + check")):
        k, r = tp[("k6", s)], tp[("rk6", s)]
        row(nm, fruns(k, "req_per_cpu_s"), fruns(r, "req_per_cpu_s"),
            fratio(ratio(mean(x["req_per_cpu_s"] for x in r), mean(x["req_per_cpu_s"] for x in k))),
            fruns(wrk, "req_per_cpu_s") if s == "basic" else "-")
    for s, nm in (("basic", "client CPU-s 50 VUs"), ("check", "client CPU-s + check")):
        k, r = tp[("k6", s)], tp[("rk6", s)]
        row(nm, fruns(k, "cpu_s", 2), fruns(r, "cpu_s", 2),
            fratio(ratio(mean(x["cpu_s"] for x in r), mean(x["cpu_s"] for x in k))),
            fruns(wrk, "cpu_s", 2) if s == "basic" else "-")
    for s, nm in (("basic", "p95 ms 50 VUs"),):
        k, r = tp[("k6", s)], tp[("rk6", s)]
        row(nm, fruns(k, "p95_ms", 2), fruns(r, "p95_ms", 2),
            fratio(ratio(mean(x["p95_ms"] for x in r), mean(x["p95_ms"] for x in k))),
            fruns(wrk, "p99_ms", 2) + " (p99)" if wrk else "-")
    k, r = tp[("k6", "basic")], tp[("rk6", "basic")]
    for x in k + r:  # closed loop: 50 VUs / rate = time per iteration cycle; minus iteration_duration = gap
        x["gap_ms"] = (50.0 / x["rate"] * 1000 - x["iter_avg_ms"]) if x["rate"] and x["iter_avg_ms"] else None
    row("  http_req_duration avg ms", fruns(k, "avg_ms", 2), fruns(r, "avg_ms", 2),
        fratio(ratio(mean(x["avg_ms"] for x in r), mean(x["avg_ms"] for x in k))))
    row("  iteration_duration avg ms", fruns(k, "iter_avg_ms", 2), fruns(r, "iter_avg_ms", 2),
        fratio(ratio(mean(x["iter_avg_ms"] for x in r), mean(x["iter_avg_ms"] for x in k))))
    row("  gap between iterations ms", fruns(k, "gap_ms", 2), fruns(r, "gap_ms", 2), "-")
    for v in (100, 1000):
        k, r = mem[("k6", v)], mem[("rk6", v)]
        row(f"peak RSS {v} VUs (MiB)", fnum(k and k["maxrss_mib"], 1), fnum(r and r["maxrss_mib"], 1),
            fratio(ratio(r and r["maxrss_mib"], k and k["maxrss_mib"])))
    k, r = mem[("k6", 1000)], mem[("rk6", 1000)]
    row("MiB per VU (RSS1000/1000)", fnum(k and k["maxrss_mib"] / 1000, 3), fnum(r and r["maxrss_mib"] / 1000, 3),
        fratio(ratio(r and r["maxrss_mib"], k and k["maxrss_mib"])))
    ks, rs = slope["k6"], slope["rk6"]
    row("MiB per VU (slope 100->1000)", fnum(ks and ks / 1024, 3), fnum(rs and rs / 1024, 3), fratio(ratio(rs, ks)))
    for v in (100, 1000):
        k, r = real[("k6", v)], real[("rk6", v)]
        row(f"realistic.js peak RSS {v} VUs", fnum(k and k["maxrss_mib"], 1), fnum(r and r["maxrss_mib"], 1),
            fratio(ratio(r and r["maxrss_mib"], k and k["maxrss_mib"])))
    ks, rs = real_slope["k6"], real_slope["rk6"]
    row("realistic.js MiB per VU (slope)", fnum(ks and ks / 1024, 3), fnum(rs and rs / 1024, 3), fratio(ratio(rs, ks)))
    k, r = scale["k6"], scale["rk6"]

    def yn(x):
        return "-" if x is None else ("yes" if x else "NO")
    row("5000 VUs: completed", yn(completed(k)), yn(completed(r)), "-")
    row("5000 VUs: http_reqs", fnum(k and k["reqs"]), fnum(r and r["reqs"]), fratio(ratio(r and r["reqs"], k and k["reqs"])))
    row("5000 VUs: iters/s (ideal 5000)", fnum(k and k["iter_rate"]), fnum(r and r["iter_rate"]),
        fratio(ratio(r and r["iter_rate"], k and k["iter_rate"])))
    row("5000 VUs: peak RSS (MiB)", fnum(k and k["maxrss_mib"], 1), fnum(r and r["maxrss_mib"], 1),
        fratio(ratio(r and r["maxrss_mib"], k and k["maxrss_mib"])))
    row("5000 VUs: p95 (ms)", fnum(k and k["p95_ms"], 2), fnum(r and r["p95_ms"], 2),
        fratio(ratio(r and r["p95_ms"], k and k["p95_ms"])))
    row("5000 VUs: iteration p95 (ms)", fnum(k and k["iter_p95_ms"], 1), fnum(r and r["iter_p95_ms"], 1),
        fratio(ratio(r and r["iter_p95_ms"], k and k["iter_p95_ms"])))
    row("5000 VUs: client CPU-s", fnum(k and k["cpu_s"], 2), fnum(r and r["cpu_s"], 2),
        fratio(ratio(r and r["cpu_s"], k and k["cpu_s"])))
    ks, rs = startup.get("k6"), startup.get("rk6")

    def fhf(x):
        return "-" if not x else f"{x['mean']:.3f} ± {x['stddev'] or 0:.3f}"
    row("startup 1000 VUs (s, hyperfine)", fhf(ks), fhf(rs), fratio(ratio(rs and rs["mean"], ks and ks["mean"])))
    k, r = single["k6"], single["rk6"]
    row("startup 1000 VUs peak RSS (MiB)", fnum(k and k["maxrss_mib"], 1), fnum(r and r["maxrss_mib"], 1),
        fratio(ratio(r and r["maxrss_mib"], k and k["maxrss_mib"])))

    k, r = opened["k6"], opened["rk6"]
    row("open 2000/s: achieved it/s", fnum(k and k["iter_rate"]), fnum(r and r["iter_rate"]),
        fratio(ratio(r and r["iter_rate"], k and k["iter_rate"])))
    row("open 2000/s: dropped_iterations", fnum(k and k["dropped"]), fnum(r and r["dropped"]), "-")
    row("open 2000/s: start lag p99 (ms)", "n/a", fnum(r and r["lag_p99_ms"], 3), "-")
    row("open 2000/s: client CPU-s", fnum(k and k["cpu_s"], 2), fnum(r and r["cpu_s"], 2),
        fratio(ratio(r and r["cpu_s"], k and k["cpu_s"])))
    row("highest arrival rate met (it/s)", fnum(maxrate["k6"]), fnum(maxrate["rk6"]),
        fratio(ratio(maxrate["rk6"], maxrate["k6"])))
    for name, lt in (("latency p50 ms at 100/s", lat), ("latency p50 ms, one CPU", lat_cpu0)):
        k, r, w_ = lt["k6"], lt["rk6"], lt["wrk"]
        if k is None and r is None:
            continue
        row(name, fnum(k and k["p50_ms"], 3), fnum(r and r["p50_ms"], 3),
            fratio(ratio(r and r["p50_ms"], k and k["p50_ms"])), fnum(w_ and w_.get("p50_ms"), 3))
    c1 = lat["wrk_c1"]
    if c1 is not None:
        row("latency p50 ms, wrk closed loop", "-", "-", "-", fnum(c1.get("p50_ms"), 3))

    w = [max(len(x[i]) for x in rows + [("workload", "k6", "rk6", "rk6/k6", "wrk")]) for i in range(5)]
    lines = []
    hdr = ("workload", "k6", "rk6", "rk6/k6", "wrk")
    lines.append("  ".join(h.ljust(w[i]) if i == 0 else h.rjust(w[i]) for i, h in enumerate(hdr)))
    for rr in rows:
        lines.append("  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(rr)))
    print("\n".join(l for l in env.strip().splitlines() if not l.startswith("nginx:")))
    print()
    print("\n".join(lines))
    print()
    print("Values separated by ' / ' are separate runs (run 1 / run 2); '*' marks a NOISY run (other")
    print("processes used > 2.5 % of the machine's CPU during it). rk6/k6 = rk6 / k6 (mean of runs): >1 is")
    print("better for rk6 on req/s and req per CPU-s, <1 is better for CPU-s, RSS, p95 and startup time.")

    # ---- per-run detail
    print()
    print("Per-run detail")
    dh = ("run", "load1", "rc", "wall s", "reqs", "req/s", "p95 ms", "CPU u+s", "req/CPU-s",
          "maxRSS MiB", "ctx sw/req", "srv CPU", "other CPU", "")
    det = []
    allrecs = []
    for r_ in wrk:
        allrecs.append(r_)
    for key in (("k6", "basic"), ("rk6", "basic"), ("k6", "check"), ("rk6", "check")):
        allrecs.extend(tp[key])
    allrecs.extend(x for x in (mem[("k6", 100)], mem[("rk6", 100)], mem[("k6", 1000)], mem[("rk6", 1000)]) if x)
    allrecs.extend(x for x in (real[("k6", 100)], real[("rk6", 100)], real[("k6", 1000)], real[("rk6", 1000)]) if x)
    allrecs.extend(x for x in (scale["rk6"], scale["k6"], single["k6"], single["rk6"]) if x)
    allrecs.extend(x for x in (opened["k6"], opened["rk6"], lat["k6"], lat["rk6"], lat["wrk"],
                               lat["wrk_c1"], *lat_cpu0.values()) if x)
    for t in ("k6", "rk6"):
        steps = sorted(glob.glob(os.path.join(res.raw, f"{t}_maxrate*.meta.json")),
                       key=lambda p: int(re.search(r"maxrate(\d+)", p).group(1)))
        allrecs.extend(x for x in (run_record(res, os.path.basename(p)[: -len(".meta.json")], t) for p in steps) if x)
    for r_ in allrecs:
        det.append((r_["label"], r_["load"][0], str(r_["exit_code"]), f"{r_['wall_s']:.2f}",
                    fnum(r_["reqs"]), fnum(r_["rate"]), fnum(r_["p95_ms"], 2),
                    f"{r_['cpu_s']:.2f} ({r_['user_s']:.2f}+{r_['sys_s']:.2f})",
                    fnum(r_["req_per_cpu_s"]), f"{r_['maxrss_mib']:.1f}", fnum(r_["cs_per_req"], 2),
                    fnum(r_["server_cpu_s"], 2), f"{r_['other_cpu_s']:.2f}",
                    "CLEAN" if r_["clean"] else "NOISY"))
    w = [max(len(x[i]) for x in det + [dh]) for i in range(len(dh))]
    print("  ".join(h.ljust(w[i]) if i == 0 else h.rjust(w[i]) for i, h in enumerate(dh)))
    for d in det:
        print("  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(d)))
    if slope["k6"] is not None or slope["rk6"] is not None:
        print()
        print("Memory slope (RSS1000 - RSS100) / 900: "
              + ", ".join(f"{t} {fnum(slope[t], 1)} KiB/VU" for t in ("k6", "rk6")))
    if startup:
        print("Startup (hyperfine -N, 1000 VUs / 1000 iterations): "
              + "; ".join(f"{n} mean {x['mean']:.3f} s ± {x['stddev'] or 0:.3f} (min {x['min']:.3f}, max {x['max']:.3f},"
                          f" user {x['user'] or 0:.3f} s, sys {x['system'] or 0:.3f} s, {x['runs']} runs)"
                          for n, x in startup.items()))
    hq = load_json(os.path.join(res.raw, "hyperfine.quiet"))
    if hq:
        print(f"  hyperfine started at loadavg {' '.join(hq.get('loadavg', []))} "
              f"(quiet window idle {hq.get('idle')}, waited {hq.get('waited_s')} s)")

    with open(os.path.join(res.root, "summary.json"), "w") as f:
        json.dump(out, f, indent=2, default=str)


if __name__ == "__main__":
    main()
