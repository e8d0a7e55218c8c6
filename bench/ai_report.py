#!/usr/bin/env python3
"""Summarise one bench/ai.sh results directory: writes RESULTS_DIR/ai.md (the tables) and
RESULTS_DIR/ai.json (every run's figures).

    ai_report.py RESULTS_DIR

Inputs: plan.json (the rate, duration, VU counts, parse modes, runs and tools of the run),
env.txt, and per run raw/LABEL.meta.json (measure.py) and raw/LABEL.json (--summary-export),
where LABEL is TOOL_MODE_VUS_rN. The figures of one run are those of report.py's run_record
plus what this workload adds: scheduled iterations (rate x duration), completion, the checks'
pass rate and iterations per CPU-second, over the whole run and over its steady window (the
requests nginx served and the client's CPU-s between the window's ends, measure.py --window:
no start-up, no shutdown). Tables show medians over the runs.
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import Results, fnum, load_json, metric, ratio, read, run_record  # noqa: E402

BASE = "rk6base"  # the --baseline rk6


def ai_record(res, label, tool, plan):
    """One run's figures, or None if measure.py left no record of it."""
    rec = run_record(res, label, tool)
    if rec is None:
        return None
    scheduled = plan["rate"] * plan["seconds"]
    iters = rec["iters"]
    rec["scheduled"] = scheduled
    rec["completion_pct"] = None if iters is None else 100.0 * iters / scheduled
    rec["checks_rate"] = metric(res.summary(label), "checks", "value")
    rec["it_per_cpu_s"] = iters / rec["cpu_s"] if iters and rec["cpu_s"] else None
    win = (res.meta(label) or {}).get("window") or {}
    rec["steady_it_per_cpu_s"] = win["requests"] / win["cpu_s"] if win.get("cpu_s") else None
    rec["ok"] = bool(rec.get("summary_ok")) and rec["exit_code"] == 0 and not rec["timed_out"]
    return rec


def load_runs(res, plan):
    """{(mode, vus, tool): [record per run, in run order]}."""
    runs = {}
    for mode in plan["modes"]:
        for vus in plan["vus"]:
            for tool in plan["tools"]:
                labels = res.labels(f"{tool}_{mode}_{vus}")
                runs[(mode, vus, tool)] = [r for r in (ai_record(res, lab, tool, plan) for lab in labels) if r]
    return runs


def median(recs, key):
    xs = [r[key] for r in recs if r.get("summary_ok") and r[key] is not None]
    return statistics.median(xs) if xs else None


def fratio(v):
    return "-" if v is None else f"{v:.2f}x"


class Cell:
    """A median over one tool's runs of one row, printed with '*' if a run was NOISY and '!' if
    one failed (non-zero exit, timeout or no summary)."""

    def __init__(self, recs, key, digits):
        self.value = median(recs, key)
        marks = ("*" if any(not r["clean"] for r in recs) else "") + ("!" if any(not r["ok"] for r in recs) else "")
        self.text = "none" if not recs else fnum(self.value, digits) + marks


def summary_table(plan, runs):
    """One row per (mode, VUs): iterations per CPU-second, completion and peak RSS per tool."""
    tools = plan["tools"]
    others = [t for t in tools if t != "rk6"]  # the ratios' denominators: k6, and the baseline
    short = {"k6": "k6", "rk6": "rk6", BASE: "base"}
    head = (["mode", "VUs"] + [f"{short[t]} it/CPU-s" for t in tools] + [f"rk6/{short[t]}" for t in others]
            + [f"{short[t]} steady" for t in tools] + [f"steady rk6/{short[t]}" for t in others]
            + [f"{short[t]} done %" for t in tools]
            + [f"{short[t]} RSS MiB" for t in tools] + [f"RSS rk6/{short[t]}" for t in others])
    rows = []
    for mode in plan["modes"]:
        for vus in plan["vus"]:
            recs = {t: runs[(mode, vus, t)] for t in tools}
            eff = {t: Cell(recs[t], "it_per_cpu_s", 0) for t in tools}
            steady = {t: Cell(recs[t], "steady_it_per_cpu_s", 0) for t in tools}
            done = {t: Cell(recs[t], "completion_pct", 1) for t in tools}
            rss = {t: Cell(recs[t], "maxrss_mib", 1) for t in tools}
            rows.append([mode, f"{vus:,}"] + [eff[t].text for t in tools]
                        + [fratio(ratio(eff["rk6"].value, eff[t].value)) for t in others]
                        + [steady[t].text for t in tools]
                        + [fratio(ratio(steady["rk6"].value, steady[t].value)) for t in others]
                        + [done[t].text for t in tools]
                        + [rss[t].text for t in tools]
                        + [fratio(ratio(rss["rk6"].value, rss[t].value)) for t in others])
    return markdown(head, rows)


def flatness_lines(plan, runs):
    """Per mode: each tool's iterations per CPU-second at the highest VU count / at the lowest."""
    lo, hi = min(plan["vus"]), max(plan["vus"])
    if lo == hi:
        return []
    lines = []
    for mode in plan["modes"]:
        for key, what in (("it_per_cpu_s", "whole run"), ("steady_it_per_cpu_s", "steady window")):
            parts = []
            for t in plan["tools"]:
                f = ratio(median(runs[(mode, hi, t)], key), median(runs[(mode, lo, t)], key))
                parts.append(f"{t} {fratio(f)}")
            lines.append(f"Flatness ({mode}, {what}): it/CPU-s at {hi:,} VUs / at {lo:,} VUs: "
                         + ", ".join(parts) + ".")
    return lines


def detail_table(plan, runs):
    """Every run, in the order ai.sh made them (round by round, the tools interleaved)."""
    head = ["run", "rc", "iterations", "scheduled", "done %", "http_req_failed", "checks",
            "CPU-s (u+s)", "wall s", "peak RSS MiB", "it/CPU-s", "steady it/CPU-s", "load1", ""]
    rows = []
    for mode in plan["modes"]:
        for vus in plan["vus"]:
            per_tool = [runs[(mode, vus, t)] for t in plan["tools"]]
            for rnd in range(max(len(recs) for recs in per_tool)):
                rows.extend(detail_row(recs[rnd]) for recs in per_tool if rnd < len(recs))
    return markdown(head, rows)


def detail_row(r):
    return [r["label"], str(r["exit_code"]), fnum(r["iters"]), fnum(r["scheduled"]),
            fnum(r["completion_pct"], 1), pct(r["failed_rate"]), pct(r["checks_rate"]),
            f"{r['cpu_s']:.2f} ({r['user_s']:.2f}+{r['sys_s']:.2f})", f"{r['wall_s']:.1f}",
            f"{r['maxrss_mib']:.1f}", fnum(r["it_per_cpu_s"]), fnum(r["steady_it_per_cpu_s"]), r["load"][0],
            "CLEAN" if r["clean"] else "NOISY"]


def pct(rate):
    return "-" if rate is None else f"{100.0 * rate:.2f} %"


def markdown(head, rows):
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]


def report(res, plan, runs):
    env = read(os.path.join(res.root, "env.txt")).strip().splitlines()
    lines = [f"# AI workload: ai_chat.js at {plan['rate']:,} iterations/s target, {plan['seconds']} s per run, "
             f"{plan['runs']} run(s) per tool, interleaved", "", "```", *env, "```", ""]
    lines += summary_table(plan, runs)
    flat = flatness_lines(plan, runs)
    lines += ["", *flat, *([""] if flat else []),
              "Medians over the runs. it/CPU-s = iterations / client user+sys CPU-s (higher is better);",
              "steady = the same over the window from 2/5 to 9/10 of the duration after the launch (requests",
              "nginx served / the client's CPU-s in it): what an iteration costs once every VU runs.",
              f"done % = iterations / ({plan['rate']:,}/s x {plan['seconds']} s); RSS = the client's peak.",
              "rk6/X = rk6's value / X's. '*' = a NOISY run among them, '!' = a failed run.", "",
              "## Runs", ""]
    lines += detail_table(plan, runs)
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    res = Results(sys.argv[1])
    plan = load_json(os.path.join(res.root, "plan.json"))
    if plan is None:
        sys.exit(f"{res.root}/plan.json is missing or not JSON: is this a bench/ai.sh results directory?")
    runs = load_runs(res, plan)
    with open(os.path.join(res.root, "ai.md"), "w") as f:
        f.write(report(res, plan, runs))
    with open(os.path.join(res.root, "ai.json"), "w") as f:
        json.dump({"plan": plan, "runs": {f"{m}_{v}_{t}": rs for (m, v, t), rs in runs.items()}},
                  f, indent=2, default=str)


if __name__ == "__main__":
    main()
