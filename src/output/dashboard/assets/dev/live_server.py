#!/usr/bin/env python3
"""Plays the Rust side's live dashboard server, to check the page's live mode by hand.

Serves, on 127.0.0.1 only, the page with a `null` data block at `/` and an SSE stream at
`/events`: a `snapshot` event with the first buckets of the sample run, then an `update`
event every interval with one new bucket and totals grown to match, and at the end an
update with `state: "finished"` before the stream closes.

    timeout 60 live_server.py [--port 5665] [--start 5] [--updates 20] [--interval 1.0]
"""

import argparse
import copy
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import assemble  # noqa: E402  (the template filler next to this file)

SAMPLE = os.path.join(assemble.ASSETS, "sample-data.json")


def load_sample(start):
    """The sample run, moved in time so that its snapshot ends now."""
    with open(SAMPLE, encoding="utf-8") as f:
        d = json.load(f)
    shift = int(time.time() * 1000) - (d["started"] + start * d["period"])
    d["started"] += shift
    d["buckets"]["t"] = [t + shift for t in d["buckets"]["t"]]
    for f in d["failures"]:
        f["first"] += shift
        f["last"] += shift
    return d


def counter_total(sample, name, upto, elapsed_s):
    count = sum(v or 0 for v in sample["buckets"]["m"].get(name, [])[:upto])
    return {"count": count, "rate": round(count / elapsed_s, 3) if elapsed_s else 0}


def rate_total(sample, name, upto):
    cells = [c for c in sample["buckets"]["m"].get(name, [])[:upto] if c]
    passes, seen = sum(c[0] for c in cells), sum(c[1] for c in cells)
    return {"passes": passes, "fails": seen - passes, "rate": passes / seen if seen else 0}


def data_at(sample, upto, first, finished):
    """The Data of the run after `upto` buckets, holding buckets [first, upto)."""
    d = copy.copy(sample)
    b = sample["buckets"]
    d["buckets"] = {"t": b["t"][first:upto], "m": {k: v[first:upto] for k, v in b["m"].items()}}
    elapsed = upto * sample["period"] / 1000
    totals = dict(sample["totals"])
    for name in ("http_reqs", "iterations", "data_sent", "data_received", "items_fetched"):
        totals[name] = counter_total(sample, name, upto, elapsed)
    for name in ("http_req_failed", "checks"):
        totals[name] = rate_total(sample, name, upto)
    vus = b["m"]["vus"][upto - 1]
    totals["vus"] = {"value": vus, "min": 0, "max": max(v for v in b["m"]["vus"][:upto] if v is not None)}
    d["totals"] = totals
    agg = dict(sample["aggregated"])
    agg["requests"] = totals["http_reqs"]["count"]
    agg["failures"] = totals["http_req_failed"]["passes"]
    d["aggregated"] = agg
    d["state"] = "finished" if finished else "running"
    d["ended"] = b["t"][upto - 1] if finished else None
    d["summary"] = sample["summary"] if finished else None
    return d


def sse(event, data):
    return ("event: %s\ndata: %s\n\n" % (event, json.dumps(data, separators=(",", ":")))).encode()


class Handler(BaseHTTPRequestHandler):
    args = None
    sample = None

    def log_message(self, fmt, *a):
        sys.stderr.write("live_server: " + (fmt % a) + "\n")

    def do_GET(self):
        if self.path == "/":
            body = assemble.page("null").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/events":
            self.stream()
        else:
            self.send_error(404)

    def stream(self):
        a, s = self.args, self.sample
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        try:
            self.wfile.write(sse("snapshot", data_at(s, a.start, 0, False)))
            self.wfile.flush()
            last = min(a.start + a.updates, len(s["buckets"]["t"]))
            for upto in range(a.start + 1, last + 1):
                time.sleep(a.interval)
                self.wfile.write(sse("update", data_at(s, upto, upto - 1, upto == last)))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        self.close_connection = True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=5665)
    p.add_argument("--start", type=int, default=5, help="buckets in the snapshot")
    p.add_argument("--updates", type=int, default=20, help="update events before the run finishes")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between updates")
    Handler.args = p.parse_args()
    Handler.sample = load_sample(Handler.args.start)
    server = ThreadingHTTPServer(("127.0.0.1", Handler.args.port), Handler)
    server.daemon_threads = True
    print("live_server: http://127.0.0.1:%d/" % Handler.args.port, file=sys.stderr)
    server.serve_forever()


if __name__ == "__main__":
    main()
