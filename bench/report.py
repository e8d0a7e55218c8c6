#!/usr/bin/env python3
"""Summarise one bench/run.sh results directory.

    report.py RESULTS_DIR        # prints the tables, writes RESULTS_DIR/summary.json
    report.py --rate-met SUMMARY.json RATE SECONDS   # exit 0 if that open-model run met RATE

Inputs (all under RESULTS_DIR/raw/): LABEL.meta.json (measure.py), LABEL.json
(--summary-export of k6/rk6), LABEL.out (wrk's stdout), hyperfine_startup.json.
Labels start with the tool: wrk, k6, rk6, and rk6base for the baseline rk6 of
run.sh --baseline; when rk6base runs exist, the main table gains the columns base and rk6/base.
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
        rec.update(wrk_fields(read(os.path.join(res.raw, label + ".out"))))
    else:
        rec.update(summary_fields(res.summary(label)))
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


def wrk_fields(out):
    """Requests, rate and latency percentiles from wrk's stdout."""
    rec = {}
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
    return rec


def summary_fields(s):
    """The figures of a k6/rk6 --summary-export (None where the metric is missing)."""
    rec = {"summary_ok": s is not None}
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


BASE = "rk6base"  # the baseline rk6 of run.sh --baseline
SIZES = (100, 1000)  # the VU counts of the memory rows


def tools_of(res):
    """k6 and rk6, plus the baseline rk6 when the run had one."""
    if glob.glob(os.path.join(res.raw, BASE + "_*.meta.json")):
        return ("k6", "rk6", BASE)
    return ("k6", "rk6")


def records(res, labels, tool):
    return [r for r in (run_record(res, lab, tool) for lab in labels) if r]


def memory_slope(a, b):
    """KiB per VU between the 100- and the 1000-VU run, None if either is missing."""
    if a and b and a["maxrss_kib"] and b["maxrss_kib"]:
        return (b["maxrss_kib"] - a["maxrss_kib"]) / 900.0
    return None


def completed(r):
    if r is None:
        return None
    return r["exit_code"] == 0 and not r["timed_out"] and bool(r.get("summary_ok"))


class Bench:
    """Every section of one results directory, loaded per tool."""

    def __init__(self, res):
        self.res = res
        self.tools = tools_of(res)
        self.env = read(os.path.join(res.root, "env.txt"))
        self.load_throughput()
        self.mem, self.slope = self.load_memory("mem")
        self.real, self.real_slope = self.load_memory("real")
        self.scale = {t: run_record(res, f"{t}_scale5000", t) for t in self.tools}
        self.startup = self.load_hyperfine()
        self.single = {t: run_record(res, f"{t}_startup1000", t) for t in self.tools}
        self.opened = {t: run_record(res, f"{t}_open", t) for t in self.tools}
        self.lat = self.load_latency("")
        self.lat["wrk_c1"] = run_record(res, "wrk_latency_c1", "wrk")
        self.lat_cpu0 = self.load_latency("_cpu0")
        self.maxrate = {t: highest_rate(res, t) for t in self.tools}

    def load_throughput(self):
        res = self.res
        self.tp = {(t, s): records(res, res.labels(f"{t}_{s}"), t)
                   for t in self.tools for s in ("basic", "check")}
        self.wrk = records(res, res.labels("wrk"), "wrk")
        for t in self.tools:  # closed loop: 50 VUs / rate = time per iteration cycle; minus iteration_duration = gap
            for x in self.tp[(t, "basic")]:
                x["gap_ms"] = (50.0 / x["rate"] * 1000 - x["iter_avg_ms"]) if x["rate"] and x["iter_avg_ms"] else None

    def load_memory(self, prefix):
        """The PREFIX100 and PREFIX1000 runs per tool, and each tool's slope between them."""
        recs = {(t, v): run_record(self.res, f"{t}_{prefix}{v}", t) for t in self.tools for v in SIZES}
        slope = {t: memory_slope(recs[(t, 100)], recs[(t, 1000)]) for t in self.tools}
        return recs, slope

    def load_hyperfine(self):
        hf = load_json(os.path.join(self.res.raw, "hyperfine_startup.json"))
        startup = {}
        for rr in (hf or {}).get("results", []):
            startup[rr.get("command")] = {
                "mean": rr["mean"], "stddev": rr.get("stddev"), "min": rr["min"], "max": rr["max"],
                "user": rr.get("user"), "system": rr.get("system"), "runs": len(rr.get("times", []))}
        return startup

    def load_latency(self, suffix):
        return {t: run_record(self.res, f"{t}_latency{suffix}", t) for t in self.tools + ("wrk",)}

    def throughput(self, s):
        """The throughput runs of script S per tool."""
        return {t: self.tp[(t, s)] for t in self.tools}

    def summary_json(self):
        def per_key(recs, extra=None):
            out = {f"{t}_{v}": r for (t, v), r in recs.items()}
            if extra is not None:
                out["slope_kib_per_vu"] = extra
            return out
        return {
            "env": self.env,
            "throughput": {**per_key(self.tp), "wrk": self.wrk},
            "memory": per_key(self.mem, self.slope),
            "scale": self.scale,
            "startup": {"hyperfine": self.startup, "single": self.single},
            "memory_realistic": per_key(self.real, self.real_slope),
            "open_model": self.opened,
            "latency": self.lat,
            "latency_cpu0": self.lat_cpu0,
            "max_arrival_rate": self.maxrate,
        }


class Row:
    """One line of the main table: a cell per tool, and the numbers its ratios are taken of
    (values None: a row without ratios)."""

    def __init__(self, name, cells, values=None, wrk="-"):
        self.name, self.cells, self.values, self.wrk = name, cells, values, wrk

    def ratio(self, other):
        if self.values is None:
            return "-"
        return fratio(ratio(self.values["rk6"], self.values[other]))

    def columns(self, tools):
        cols = [self.name, self.cells["k6"], self.cells["rk6"], self.ratio("k6")]
        if BASE in tools:
            cols += [self.cells[BASE], self.ratio(BASE)]
        return cols + [self.wrk]


def runs_row(name, recs, key, digits=0, wrk="-", ratios=True):
    """A row over repeated runs: every run's value per tool, ratios of the means."""
    values = {t: mean(x[key] for x in rs) for t, rs in recs.items()}
    return Row(name, {t: fruns(rs, key, digits) for t, rs in recs.items()}, values if ratios else None, wrk)


def record_row(name, recs, key, digits=0, show=None, ratios=True, wrk="-"):
    """A row over one run per tool (None where it did not run); SHOW maps a value to what is printed."""
    values = {t: r and r[key] for t, r in recs.items()}
    return value_row(name, values, digits, show, ratios, wrk)


def value_row(name, values, digits=0, show=None, ratios=True, wrk="-"):
    cells = {t: fnum(v if v is None or show is None else show(v), digits) for t, v in values.items()}
    return Row(name, cells, values if ratios else None, wrk)


def throughput_rows(b):
    rows = []
    for key, digits, names in (("rate", 0, ("req/s 50 VUs", "req/s 50 VUs + check")),
                               ("req_per_cpu_s", 0, ("req per CPU-s 50 VUs", "req per CPU-s + check")),
                               ("cpu_s", 2, ("client CPU-s 50 VUs", "client CPU-s + check"))):
        rows.append(runs_row(names[0], b.throughput("basic"), key, digits, fruns(b.wrk, key, digits)))
        rows.append(runs_row(names[1], b.throughput("check"), key, digits))
    basic = b.throughput("basic")
    rows.append(runs_row("p95 ms 50 VUs", basic, "p95_ms", 2,
                         fruns(b.wrk, "p99_ms", 2) + " (p99)" if b.wrk else "-"))
    rows.append(runs_row("  http_req_duration avg ms", basic, "avg_ms", 2))
    rows.append(runs_row("  iteration_duration avg ms", basic, "iter_avg_ms", 2))
    rows.append(runs_row("  gap between iterations ms", basic, "gap_ms", 2, ratios=False))
    return rows


def memory_rows(b):
    rows = [record_row(f"peak RSS {v} VUs (MiB)", {t: b.mem[(t, v)] for t in b.tools}, "maxrss_mib", 1)
            for v in SIZES]
    rows.append(record_row("MiB per VU (RSS1000/1000)", {t: b.mem[(t, 1000)] for t in b.tools},
                           "maxrss_mib", 3, show=lambda v: v / 1000))
    rows.append(value_row("MiB per VU (slope 100->1000)", b.slope, 3, show=lambda v: v / 1024))
    rows += [record_row(f"realistic.js peak RSS {v} VUs", {t: b.real[(t, v)] for t in b.tools}, "maxrss_mib", 1)
             for v in SIZES]
    rows.append(value_row("realistic.js MiB per VU (slope)", b.real_slope, 3, show=lambda v: v / 1024))
    return rows


def yn(x):
    return "-" if x is None else ("yes" if x else "NO")


def fhf(x):
    return "-" if not x else f"{x['mean']:.3f} ± {x['stddev'] or 0:.3f}"


def scale_startup_rows(b):
    sc = b.scale
    rows = [Row("5000 VUs: completed", {t: yn(completed(r)) for t, r in sc.items()}),
            record_row("5000 VUs: http_reqs", sc, "reqs"),
            record_row("5000 VUs: iters/s (ideal 5000)", sc, "iter_rate"),
            record_row("5000 VUs: peak RSS (MiB)", sc, "maxrss_mib", 1),
            record_row("5000 VUs: p95 (ms)", sc, "p95_ms", 2),
            record_row("5000 VUs: iteration p95 (ms)", sc, "iter_p95_ms", 1),
            record_row("5000 VUs: client CPU-s", sc, "cpu_s", 2)]
    hf = {t: b.startup.get(t) for t in b.tools}
    rows.append(Row("startup 1000 VUs (s, hyperfine)", {t: fhf(x) for t, x in hf.items()},
                    {t: x and x["mean"] for t, x in hf.items()}))
    rows.append(record_row("startup 1000 VUs peak RSS (MiB)", b.single, "maxrss_mib", 1))
    return rows


def open_latency_rows(b):
    op = b.opened
    lag = record_row("open 2000/s: start lag p99 (ms)", op, "lag_p99_ms", 3, ratios=False)
    lag.cells["k6"] = "n/a"
    rows = [record_row("open 2000/s: achieved it/s", op, "iter_rate"),
            record_row("open 2000/s: dropped_iterations", op, "dropped", ratios=False),
            lag,
            record_row("open 2000/s: client CPU-s", op, "cpu_s", 2),
            value_row("highest arrival rate met (it/s)", b.maxrate)]
    for name, lt in (("latency p50 ms at 100/s", b.lat), ("latency p50 ms, one CPU", b.lat_cpu0)):
        if all(lt[t] is None for t in b.tools):
            continue
        w_ = lt["wrk"]
        rows.append(record_row(name, {t: lt[t] for t in b.tools}, "p50_ms", 3,
                               wrk=fnum(w_ and w_.get("p50_ms"), 3)))
    c1 = b.lat["wrk_c1"]
    if c1 is not None:
        rows.append(Row("latency p50 ms, wrk closed loop", {t: "-" for t in b.tools},
                        wrk=fnum(c1.get("p50_ms"), 3)))
    return rows


def format_table(header, rows):
    """Lines of a table: the first column left-aligned, the others right-aligned."""
    w = [max(len(x[i]) for x in rows + [header]) for i in range(len(header))]
    return ["  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(r))
            for r in [header] + rows]


def print_main_table(b):
    rows = throughput_rows(b) + memory_rows(b) + scale_startup_rows(b) + open_latency_rows(b)
    header = ["workload", "k6", "rk6", "rk6/k6"] + (["base", "rk6/base"] if BASE in b.tools else []) + ["wrk"]
    print("\n".join(l for l in b.env.strip().splitlines() if not l.startswith("nginx:")))
    print()
    print("\n".join(format_table(header, [r.columns(b.tools) for r in rows])))
    print()
    print("Values separated by ' / ' are separate runs (run 1 / run 2); '*' marks a NOISY run (other")
    print("processes used > 2.5 % of the machine's CPU during it). rk6/k6 = rk6 / k6 (mean of runs): >1 is")
    print("better for rk6 on req/s and req per CPU-s, <1 is better for CPU-s, RSS, p95 and startup time.")
    if BASE in b.tools:
        print("base = the baseline rk6 (rk6base in env.txt), run interleaved with k6 and rk6; rk6/base =")
        print("rk6 / base in the same directions: a regression is rk6/base < 1 on req/s, req per CPU-s and")
        print("the highest arrival rate, > 1 on CPU-s, RSS, p95, startup time and latency.")


def detail_records(b):
    """Every measurement of the run, in the order run.sh made them."""
    recs = list(b.wrk)
    for s in ("basic", "check"):
        for t in b.tools:
            recs.extend(b.tp[(t, s)])
    for table in (b.mem, b.real):
        recs.extend(x for x in (table[(t, v)] for v in SIZES for t in b.tools) if x)
    scale_order = b.tools[1:] + ("k6",)  # run.sh runs k6 last at 5000 VUs
    recs.extend(x for x in [b.scale[t] for t in scale_order] + [b.single[t] for t in b.tools] if x)
    recs.extend(x for x in [b.opened[t] for t in b.tools] + [b.lat[t] for t in b.tools]
                + [b.lat["wrk"], b.lat["wrk_c1"], *b.lat_cpu0.values()] if x)
    for t in b.tools:
        steps = sorted(glob.glob(os.path.join(b.res.raw, f"{t}_maxrate*.meta.json")),
                       key=lambda p: int(re.search(r"maxrate(\d+)", p).group(1)))
        recs.extend(x for x in (run_record(b.res, os.path.basename(p)[: -len(".meta.json")], t) for p in steps) if x)
    return recs


def print_detail(b):
    print()
    print("Per-run detail")
    dh = ["run", "load1", "rc", "wall s", "reqs", "req/s", "p95 ms", "CPU u+s", "req/CPU-s",
          "maxRSS MiB", "ctx sw/req", "srv CPU", "other CPU", ""]
    det = [[r_["label"], r_["load"][0], str(r_["exit_code"]), f"{r_['wall_s']:.2f}",
            fnum(r_["reqs"]), fnum(r_["rate"]), fnum(r_["p95_ms"], 2),
            f"{r_['cpu_s']:.2f} ({r_['user_s']:.2f}+{r_['sys_s']:.2f})",
            fnum(r_["req_per_cpu_s"]), f"{r_['maxrss_mib']:.1f}", fnum(r_["cs_per_req"], 2),
            fnum(r_["server_cpu_s"], 2), f"{r_['other_cpu_s']:.2f}",
            "CLEAN" if r_["clean"] else "NOISY"] for r_ in detail_records(b)]
    print("\n".join(format_table(dh, det)))


def print_notes(b):
    """Memory slope, hyperfine's figures and the load it started at."""
    if any(b.slope[t] is not None for t in b.tools):
        print()
        print("Memory slope (RSS1000 - RSS100) / 900: "
              + ", ".join(f"{t} {fnum(b.slope[t], 1)} KiB/VU" for t in b.tools))
    if b.startup:
        print("Startup (hyperfine -N, 1000 VUs / 1000 iterations): "
              + "; ".join(f"{n} mean {x['mean']:.3f} s ± {x['stddev'] or 0:.3f} (min {x['min']:.3f}, max {x['max']:.3f},"
                          f" user {x['user'] or 0:.3f} s, sys {x['system'] or 0:.3f} s, {x['runs']} runs)"
                          for n, x in b.startup.items()))
    hq = load_json(os.path.join(b.res.raw, "hyperfine.quiet"))
    if hq:
        print(f"  hyperfine started at loadavg {' '.join(hq.get('loadavg', []))} "
              f"(quiet window idle {hq.get('idle')}, waited {hq.get('waited_s')} s)")


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--rate-met":
        sys.exit(0 if rate_met(load_json(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])) else 1)
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    b = Bench(Results(sys.argv[1]))
    print_main_table(b)
    print_detail(b)
    print_notes(b)
    with open(os.path.join(b.res.root, "summary.json"), "w") as f:
        json.dump(b.summary_json(), f, indent=2, default=str)


if __name__ == "__main__":
    main()
