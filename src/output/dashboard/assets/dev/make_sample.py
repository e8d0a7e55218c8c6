#!/usr/bin/env python3
"""Writes sample Data objects for developing and checking the dashboard page.

A simulated 10-minute run (1 s buckets) of a shop: a ramping-vus scenario that logs in and
browses, and a constant-arrival-rate scenario that polls the items API, which fails with
503s for a minute in the middle. Every figure (buckets, totals, endpoint tables) is computed
from the simulated samples, so the numbers agree with each other as the Rust side's would.
Seeded, so the output is reproducible.

    make_sample.py [OUT.json]           the 10-minute run (default: ../sample-data.json)
    make_sample.py --empty OUT.json     a run that made no requests and closed no bucket
"""

import json
import math
import os
import random
import sys

STARTED = 1733500000000
PERIOD = 1000
SECONDS = 600
BASE = "http://127.0.0.1:8080"
PCTS = ["50", "66", "75", "80", "90", "95", "98", "99", "99.9", "99.99", "100"]
HERE = os.path.dirname(os.path.abspath(__file__))

# (name, method, median ms, response bytes, request bytes)
HOME = (BASE + "/", "GET", 18.0, 2400, 120)
LOGIN = (BASE + "/login", "POST", 45.0, 350, 310)
ITEMS = (BASE + "/api/items?page=1", "GET", 30.0, 8100, 140)

METRICS = [
    ("vus", "gauge", "default"), ("vus_max", "gauge", "default"),
    ("http_reqs", "counter", "default"), ("http_req_duration", "trend", "time"),
    ("http_req_waiting", "trend", "time"), ("http_req_failed", "rate", "default"),
    ("data_sent", "counter", "data"), ("data_received", "counter", "data"),
    ("checks", "rate", "default"), ("login_time", "trend", "time"),
    ("group_duration", "trend", "time"), ("items_fetched", "counter", "default"),
    ("iterations", "counter", "default"), ("iteration_duration", "trend", "time"),
]


def percentile(sorted_values, p):
    """k6's percentile: linear interpolation between the closest ranks."""
    if not sorted_values:
        return None
    pos = p * (len(sorted_values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def r2(v):
    return None if v is None else round(v, 2)


def trend_bucket(values):
    if not values:
        return None
    s = sorted(values)
    return [len(s), r2(sum(s) / len(s)), r2(s[0]), r2(s[-1])] + [
        r2(percentile(s, p)) for p in (0.5, 0.9, 0.95, 0.99)]


def trend_total(values):
    s = sorted(values)
    if not s:
        return {"count": 0, "avg": 0, "min": 0, "med": 0, "max": 0, "p90": 0, "p95": 0, "p99": 0}
    return {"count": len(s), "avg": r2(sum(s) / len(s)), "min": r2(s[0]), "med": r2(percentile(s, 0.5)),
            "max": r2(s[-1]), "p90": r2(percentile(s, 0.9)), "p95": r2(percentile(s, 0.95)),
            "p99": r2(percentile(s, 0.99))}


class Run:
    """Samples of the simulated run, per bucket and cumulative."""

    def __init__(self, rng):
        self.rng = rng
        self.buckets = []          # per second: {metric: [values]}
        self.requests = {}         # (name, method) -> list of (duration, ok, bytes)
        self.failures = {}         # (name, method, status, code, message) -> [count, first, last]
        self.checks = {}           # (group, name) -> [passes, fails]
        self.groups = {}           # path -> {"reqs", "fails", "durs", "cp", "cf"}
        self.scenarios = {}        # name -> {"iters", "reqs", "fails", "durs"}

    def sample(self, metric, value):
        self.buckets[-1].setdefault(metric, []).append(value)

    def request(self, second, ep, slow, group, scenario):
        name, method, median, size, sent = ep
        rng = self.rng
        dur = median * math.exp(rng.gauss(0, 0.45)) * slow
        status, code, message = 200, None, None
        if ep is ITEMS and slow > 1 and rng.random() < 0.25:
            status, code, message = 503, 1503, "503 Service Unavailable"
        elif rng.random() < 0.0008:
            status, code, message, dur = 0, 1050, "request timeout", 2000.0
        ok = status == 200
        got = size + rng.randint(-40, 40) if ok else 180
        for metric, v in (("http_reqs", 1), ("http_req_duration", dur), ("http_req_waiting", dur * 0.85),
                          ("http_req_failed", 0 if ok else 1), ("data_sent", sent), ("data_received", got)):
            self.sample(metric, v)
        self.requests.setdefault((name, method), []).append((dur, ok, got))
        if not ok:
            at = STARTED + second * 1000 + rng.randint(0, 999)
            f = self.failures.setdefault((name, method, status, code, message), [0, at, at])
            f[0] += 1
            f[2] = at
        g = self.groups.setdefault(group, {"reqs": 0, "fails": 0, "durs": [], "cp": 0, "cf": 0})
        g["reqs"] += 1
        g["fails"] += 0 if ok else 1
        sc = self.scenarios[scenario]
        sc["reqs"] += 1
        sc["fails"] += 0 if ok else 1
        return dur, ok

    def check(self, group, name, passed):
        self.sample("checks", 1 if passed else 0)
        c = self.checks.setdefault((group, name), [0, 0])
        c[0 if passed else 1] += 1
        g = self.groups[group]
        g["cp" if passed else "cf"] += 1

    def group_done(self, group, dur):
        self.sample("group_duration", dur)
        self.groups[group]["durs"].append(dur)

    def iteration(self, scenario, dur):
        self.sample("iterations", 1)
        self.sample("iteration_duration", dur)
        sc = self.scenarios[scenario]
        sc["iters"] += 1
        sc["durs"].append(dur)


def browse_vus(second):
    """The ramping-vus profile: up to 20 in a minute, hold, down to 0 in the last minute."""
    if second < 60:
        return round(20 * second / 60)
    if second >= 540:
        return round(20 * (SECONDS - second) / 60)
    return 20


def browse_iteration(run, second, slow):
    login, _ = run.request(second, LOGIN, 1.0, "::login", "browse")
    run.check("::login", "logged in", run.rng.random() > 0.003)
    run.sample("login_time", login + run.rng.uniform(2, 6))
    run.group_done("::login", login + 1.5)
    home, _ = run.request(second, HOME, 1.0, "::browse", "browse")
    items, ok = run.request(second, ITEMS, slow, "::browse", "browse")
    run.check("::browse", "status is 200", ok)
    if ok:
        run.sample("items_fetched", 20)
    run.group_done("::browse", home + items + 2.0)
    run.iteration("browse", login + home + items + 1000 + run.rng.uniform(0, 30))


def api_iteration(run, second, slow):
    dur, ok = run.request(second, ITEMS, slow, "", "api")
    if ok:
        run.sample("items_fetched", 20)
    run.iteration("api", dur + run.rng.uniform(0.2, 1.0))


def simulate(rng):
    run = Run(rng)
    run.scenarios = {n: {"iters": 0, "reqs": 0, "fails": 0, "durs": []} for n in ("browse", "api")}
    run.groups[""] = {"reqs": 0, "fails": 0, "durs": [], "cp": 0, "cf": 0}
    for second in range(SECONDS):
        run.buckets.append({})
        slow = 4.0 if 360 <= second < 420 else 1.0
        vus = browse_vus(second)
        for _ in range(sum(1 for _ in range(vus) if rng.random() < 0.85)):
            browse_iteration(run, second, slow)
        for _ in range(5):
            api_iteration(run, second, slow)
        run.sample("vus", vus + 3)
        run.sample("vus_max", 30)
    return run


def bucket_value(kind, values):
    if kind == "counter":
        return r2(sum(values)) if values else 0
    if kind == "gauge":
        return values[-1] if values else None
    if kind == "rate":
        return [sum(1 for v in values if v), len(values)] if values else None
    return trend_bucket(values)


def totals(run):
    out = {}
    elapsed = SECONDS
    for name, kind, _ in METRICS:
        values = [v for b in run.buckets for v in b.get(name, [])]
        if kind == "counter":
            out[name] = {"count": r2(sum(values)), "rate": r2(sum(values) / elapsed)}
        elif kind == "gauge":
            out[name] = {"value": values[-1], "min": min(values), "max": max(values)}
        elif kind == "rate":
            passes = sum(1 for v in values if v)
            out[name] = {"passes": passes, "fails": len(values) - passes, "rate": round(passes / len(values), 6)}
        else:
            out[name] = trend_total(values)
    return out


def endpoint_row(name, method, samples):
    durs = sorted(s[0] for s in samples)
    fails = sum(1 for s in samples if not s[1])
    pcts = {p: r2(percentile(durs, float(p) / 100)) for p in PCTS}
    return {"name": name, "method": method, "requests": len(samples), "failures": fails,
            "avg": r2(sum(durs) / len(durs)), "min": r2(durs[0]), "max": r2(durs[-1]), "med": pcts["50"],
            "pcts": pcts, "avg_size": r2(sum(s[2] for s in samples) / len(samples)),
            "rps": round(len(samples) / SECONDS, 3), "fps": round(fails / SECONDS, 3)}


def tables(run):
    endpoints = [endpoint_row(n, m, s) for (n, m), s in run.requests.items()]
    everything = [s for ss in run.requests.values() for s in ss]
    aggregated = endpoint_row("Aggregated", "", everything)
    failures = [{"name": n, "method": m, "status": st, "error_code": code, "message": msg,
                 "count": f[0], "first": f[1], "last": f[2]}
                for (n, m, st, code, msg), f in sorted(run.failures.items(), key=lambda kv: -kv[1][0])]
    checks = [{"group": g, "name": n, "passes": c[0], "fails": c[1]} for (g, n), c in run.checks.items()]
    executors = {"browse": "ramping-vus", "api": "constant-arrival-rate"}
    scenarios = [{"name": n, "executor": executors[n], "iterations": s["iters"], "http_reqs": s["reqs"],
                  "failures": s["fails"], "iteration_duration": short_trend(s["durs"])}
                 for n, s in run.scenarios.items()]
    groups = [{"path": p, "http_reqs": g["reqs"], "failures": g["fails"], "duration": short_trend(g["durs"]),
               "checks_passes": g["cp"], "checks_fails": g["cf"]}
              for p, g in run.groups.items() if p]
    return endpoints, aggregated, failures, checks, scenarios, groups


def short_trend(values):
    if not values:
        return None
    s = sorted(values)
    return {"avg": r2(sum(s) / len(s)), "p95": r2(percentile(s, 0.95))}


OPTIONS = {
    "scenarios": {
        "browse": {"executor": "ramping-vus", "exec": "browse", "startVUs": 0,
                   "stages": [{"duration": "1m", "target": 20}, {"duration": "8m", "target": 20},
                              {"duration": "1m", "target": 0}]},
        "api": {"executor": "constant-arrival-rate", "exec": "api", "rate": 5, "timeUnit": "1s",
                "duration": "10m", "preAllocatedVUs": 3, "maxVUs": 10},
    },
    "thresholds": {"http_req_duration": ["p(95)<500"], "http_req_failed": ["rate<0.01"]},
    "summaryTrendStats": ["avg", "min", "med", "max", "p(90)", "p(95)"],
}


def summary_text(tot, checks):
    d = tot["http_req_duration"]
    f = tot["http_req_failed"]
    lines = ["  \u2588 THRESHOLDS", "",
             "    http_req_duration", "    \u2713 'p(95)<500' p(95)=%.2fms" % d["p95"], "",
             "    http_req_failed", "    \u2717 'rate<0.01' rate=%.2f%%" % (100 * f["rate"]), "",
             "  \u2588 TOTAL RESULTS", ""]
    for c in checks:
        mark = "\u2713" if c["fails"] == 0 else "\u2717"
        lines.append("    %s %s" % (mark, c["name"]))
    lines += ["",
              "    http_req_duration..: avg=%.2fms min=%.2fms med=%.2fms max=%.2fms p(90)=%.2fms p(95)=%.2fms"
              % (d["avg"], d["min"], d["med"], d["max"], d["p90"], d["p95"]),
              "    http_req_failed....: %.2f%%  %d out of %d" % (100 * f["rate"], f["passes"], f["passes"] + f["fails"]),
              "    http_reqs..........: %d    %.2f/s" % (tot["http_reqs"]["count"], tot["http_reqs"]["rate"]),
              "    iterations.........: %d    %.2f/s" % (tot["iterations"]["count"], tot["iterations"]["rate"]),
              "",
              "running (10m00.2s), 00/30 VUs, %d complete and 0 interrupted iterations" % tot["iterations"]["count"]]
    return "\n".join(lines) + "\n"


def full_run():
    run = simulate(random.Random(6))
    kinds = {n: k for n, k, _ in METRICS}
    buckets = {"t": [STARTED + (i + 1) * PERIOD for i in range(SECONDS)],
               "m": {n: [bucket_value(kinds[n], b.get(n, [])) for b in run.buckets] for n, _, _ in METRICS}}
    tot = totals(run)
    endpoints, aggregated, failures, checks, scenarios, groups = tables(run)
    thresholds = [
        {"metric": "http_req_duration", "expr": "p(95)<500", "ok": tot["http_req_duration"]["p95"] < 500,
         "value": tot["http_req_duration"]["p95"]},
        {"metric": "http_req_failed", "expr": "rate<0.01", "ok": tot["http_req_failed"]["rate"] < 0.01,
         "value": tot["http_req_failed"]["rate"]},
    ]
    return {
        "title": "shop.js", "version": "rk6 0.1.0", "state": "finished",
        "started": STARTED, "ended": STARTED + SECONDS * 1000 + 213, "period": PERIOD,
        "options": OPTIONS, "summary": summary_text(tot, checks),
        "metrics": [{"name": n, "type": k, "contains": c} for n, k, c in METRICS],
        "buckets": buckets, "totals": tot, "thresholds": thresholds, "checks": checks,
        "endpoints": endpoints, "aggregated": aggregated, "failures": failures,
        "scenarios": scenarios, "groups": groups,
    }


def empty_run():
    aggregated = {"name": "Aggregated", "method": "", "requests": 0, "failures": 0, "avg": 0, "min": 0,
                  "max": 0, "med": 0, "pcts": {}, "avg_size": None, "rps": 0, "fps": 0}
    return {
        "title": "empty.js", "version": "rk6 0.1.0", "state": "finished",
        "started": STARTED, "ended": STARTED + 412, "period": PERIOD,
        "options": {"vus": 1, "iterations": 1}, "summary": "  \u2588 TOTAL RESULTS\n\n    (no samples)\n",
        "metrics": [], "buckets": {"t": [], "m": {}}, "totals": {},
        "thresholds": [{"metric": "http_req_duration", "expr": "p(95)<200", "ok": True}],
        "checks": [], "endpoints": [], "aggregated": aggregated, "failures": [],
        "scenarios": [{"name": "default", "executor": "per-vu-iterations", "iterations": 1, "http_reqs": 0,
                       "failures": 0, "iteration_duration": None}],
        "groups": [],
    }


def main(argv):
    if argv[:1] == ["--empty"]:
        data, out = empty_run(), argv[1] if len(argv) > 1 else os.path.join(HERE, "..", "sample-empty.json")
    else:
        data, out = full_run(), argv[0] if argv else os.path.join(HERE, "..", "sample-data.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
