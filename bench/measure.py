#!/usr/bin/env python3
"""Run one load-generator command and record what it cost.

    measure.py --raw DIR --label LABEL --timeout SECS [--server-pid PID]
               [--nice N] [--quiet-wait SECS] [--window FROM,TO --count-url URL]
               -- cmd args...

What it does, in order:
  1. waits (at most --quiet-wait seconds) for a 3 s window in which the machine
     is at least 90 % idle, so a burst from another process (e.g. a cargo build)
     does not land inside the measurement;
  2. records /proc/loadavg, /proc/stat and the target server's CPU counters;
  3. runs  /usr/bin/time -v -o DIR/LABEL.time timeout -s INT -k 15 SECS nice -n N cmd...
     with stdout/stderr to DIR/LABEL.out / DIR/LABEL.err.  `timeout` and `nice`
     exec/wait the client, so user/sys/maxRSS in the .time file are the client's;
  4. records /proc/stat and the server's CPU again and writes DIR/LABEL.meta.json:
     wall time, exit code, client CPU, server CPU, CPU used by *other* processes
     (user+nice jiffies of the whole machine minus client and server user time),
     steal, and a CLEAN/NOISY verdict (other processes used <= 2.5 % of the
     machine's CPU capacity during the run, with a 0.05 CPU-s floor for very short
     runs; same rule as ../shared/notes/anchors.md).

With --window FROM,TO (seconds after the launch) and --count-url (an nginx stub_status
page), it also reads the client's CPU counters and the server's request count at FROM
and at TO, so the meta file has what the client spent on the requests of that window:
the steady state, without start-up and shutdown.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1


def read_stat():
    with open("/proc/stat") as f:
        parts = f.readline().split()
    # cpu user nice system idle iowait irq softirq steal guest guest_nice
    vals = [int(x) for x in parts[1:]]
    vals += [0] * (10 - len(vals))
    return {
        "user": vals[0], "nice": vals[1], "system": vals[2], "idle": vals[3],
        "iowait": vals[4], "irq": vals[5], "softirq": vals[6], "steal": vals[7],
    }


def idle_fraction(a, b):
    tot = sum(b[k] - a[k] for k in a)
    if tot <= 0:
        return 1.0
    return ((b["idle"] - a["idle"]) + (b["iowait"] - a["iowait"])) / tot


def proc_cpu(pid):
    """(utime, stime) in jiffies of a process (all threads), or None."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
        rest = s[s.rindex(")") + 2:].split()
        # fields after ')' start at field 3 (state); utime is field 14, stime 15
        return int(rest[11]), int(rest[12])
    except (OSError, ValueError, IndexError):
        return None


def descendant(pid):
    """The process at the end of pid's chain of only children (`time` -> `timeout` -> the
    client, which `nice` became)."""
    while True:
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kids = f.read().split()
        except OSError:
            return pid
        if len(kids) != 1:
            return pid
        pid = int(kids[0])


def served(url):
    """The request count of an nginx stub_status page (third figure of its third line)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return int(r.read().decode().splitlines()[2].split()[2])
    except (OSError, ValueError, IndexError):
        return None


def watch_window(proc, span, url, out):
    """Fills `out` with the client's CPU-s and the requests served between span's ends."""
    t0 = time.time()
    marks = []
    for at in span:
        time.sleep(max(0.0, t0 + at - time.time()))
        if proc.poll() is not None:
            return
        marks.append((proc_cpu(descendant(proc.pid)), served(url), time.time() - t0))
    (c0, n0, a), (c1, n1, b) = marks
    if c0 and c1 and n0 is not None and n1 is not None:
        out.update({"from_s": round(a, 2), "to_s": round(b, 2), "requests": n1 - n0 - 1,
                    "cpu_s": (c1[0] + c1[1] - c0[0] - c0[1]) / CLK_TCK})


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def wait_quiet(max_wait, window=3, need_idle=0.90):
    """Wait for a `window`-second stretch with >= need_idle idle. Returns info."""
    t0 = time.time()
    samples = [read_stat()]
    best = 0.0
    while True:
        time.sleep(1)
        samples.append(read_stat())
        if len(samples) > window + 1:
            samples.pop(0)
        if len(samples) == window + 1:
            idle = idle_fraction(samples[0], samples[-1])
            best = max(best, idle)
            if idle >= need_idle:
                return {"waited_s": round(time.time() - t0, 1), "idle": round(idle, 3), "gave_up": False}
        if time.time() - t0 >= max_wait:
            idle = idle_fraction(samples[0], samples[-1])
            return {"waited_s": round(time.time() - t0, 1), "idle": round(idle, 3),
                    "best_idle": round(best, 3), "gave_up": True}


def parse_time_file(path):
    out = {}
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if ":" not in line:
                    continue
                key, _, val = line.rpartition(": ")
                key = key.strip()
                if key == "User time (seconds)":
                    out["user_s"] = float(val)
                elif key == "System time (seconds)":
                    out["sys_s"] = float(val)
                elif key == "Maximum resident set size (kbytes)":
                    out["maxrss_kib"] = int(val)
                elif key.startswith("Elapsed (wall clock) time"):
                    # h:mm:ss or m:ss(.ss)
                    secs = 0.0
                    for p in val.split(":"):
                        secs = secs * 60 + float(p)
                    out["elapsed_s"] = secs
                elif key == "Voluntary context switches":
                    out["vol_cs"] = int(val)
                elif key == "Involuntary context switches":
                    out["invol_cs"] = int(val)
                elif key == "Minor (reclaiming a frame) page faults":
                    out["minor_faults"] = int(val)
                elif key == "Exit status":
                    out["exit_status"] = int(val)
    except OSError:
        pass
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw")
    ap.add_argument("--label")
    ap.add_argument("--timeout", type=int)
    ap.add_argument("--wait-only", action="store_true",
                    help="only wait for a quiet window, print it as JSON and exit")
    ap.add_argument("--server-pid", type=int, default=0)
    ap.add_argument("--nice", type=int, default=-10)
    ap.add_argument("--quiet-wait", type=float, default=60)
    ap.add_argument("--window", help="FROM,TO: seconds after the launch (needs --count-url)")
    ap.add_argument("--count-url", help="an nginx stub_status URL")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if a.wait_only:
        q = wait_quiet(a.quiet_wait)
        q["loadavg"] = loadavg()
        print(json.dumps(q))
        return 0
    if not (a.raw and a.label and a.timeout):
        sys.exit("measure.py: --raw, --label and --timeout are required")
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        sys.exit("measure.py: no command")
    os.makedirs(a.raw, exist_ok=True)
    base = os.path.join(a.raw, a.label)

    load_before_wait = loadavg()
    quiet = wait_quiet(a.quiet_wait) if a.quiet_wait > 0 else {"waited_s": 0, "skipped": True}
    load_at_start = loadavg()

    nice = a.nice if os.geteuid() == 0 else 0
    full = ["/usr/bin/time", "-v", "-o", base + ".time",
            "timeout", "-s", "INT", "-k", "15", str(a.timeout),
            "nice", "-n", str(nice)] + cmd
    with open(base + ".cmd", "w") as f:
        f.write(" ".join(full) + "\n")

    s0, p0 = read_stat(), proc_cpu(a.server_pid)
    t0 = time.time()
    window = {}
    with open(base + ".out", "wb") as out, open(base + ".err", "wb") as err:
        proc = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        watcher = None
        if a.window and a.count_url:
            span = [float(x) for x in a.window.split(",")]
            watcher = threading.Thread(target=watch_window, args=(proc, span, a.count_url, window))
            watcher.start()
        rc = proc.wait()
        if watcher:
            watcher.join()
    wall = time.time() - t0
    s1, p1 = read_stat(), proc_cpu(a.server_pid)

    tm = parse_time_file(base + ".time")
    client_user = tm.get("user_s", 0.0)
    client_sys = tm.get("sys_s", 0.0)
    server_user = server_sys = None
    if p0 and p1:
        server_user = (p1[0] - p0[0]) / CLK_TCK
        server_sys = (p1[1] - p0[1]) / CLK_TCK
    d = {k: (s1[k] - s0[k]) / CLK_TCK for k in s0}
    other_user = d["user"] + d["nice"] - client_user - (server_user or 0.0)
    capacity = NCPU * wall
    clean = other_user <= max(0.025 * capacity, 0.05)  # floor: sub-second runs

    meta = {
        "label": a.label,
        "cmd": cmd,
        "exit_code": rc,
        "timed_out": rc in (124, 137),
        "wall_s": round(wall, 3),
        "client_user_s": client_user,
        "client_sys_s": client_sys,
        "client_cpu_s": round(client_user + client_sys, 3),
        "client_maxrss_kib": tm.get("maxrss_kib"),
        "client_vol_cs": tm.get("vol_cs"),
        "client_invol_cs": tm.get("invol_cs"),
        "client_minor_faults": tm.get("minor_faults"),
        "server_user_s": server_user,
        "server_sys_s": server_sys,
        "machine": {k: round(v, 2) for k, v in d.items()},
        "other_user_cpu_s": round(other_user, 2),
        "capacity_cpu_s": round(capacity, 2),
        "clean": clean,
        "window": window or None,
        "loadavg_before_wait": load_before_wait,
        "loadavg_at_start": load_at_start,
        "quiet_wait": quiet,
        "nice": nice,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0)),
    }
    with open(base + ".meta.json", "w") as f:
        json.dump(meta, f, indent=2)
    srv = f" server {server_user + server_sys:.2f}s" if server_user is not None else ""
    print(f"  {a.label:<22} rc={rc:<3} wall {wall:6.2f}s  cpu {client_user + client_sys:6.2f}s"
          f"  maxRSS {(tm.get('maxrss_kib') or 0) / 1024:7.1f} MiB{srv}"
          f"  other {other_user:5.2f} CPU-s {'CLEAN' if clean else 'NOISY'}"
          f"  load {' '.join(load_at_start)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
