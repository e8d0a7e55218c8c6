"""An OTLP/HTTP metrics receiver that is not ours, for rk6's OpenTelemetry output tests: it
decodes each ExportMetricsServiceRequest (OTLP/HTTP protobuf, optionally gzipped, and
OTLP/gRPC through grpcio) with the official `opentelemetry-proto` package from PyPI and
keeps what it received. It binds 127.0.0.1 on the port given as argv[1] for HTTP (0 = any)
and on any free port for gRPC, prints "GRPC_PORT <n>" and then "PORT <n>" once listening,
and exits by itself after LIFETIME seconds.

  POST <any path>   an export; answered with an empty ExportMetricsServiceResponse
  gRPC MetricsService/Export   the same over gRPC
  GET /dump         JSON of everything received so far:
                    {"requests": N, "resource": {attr: value},
                     "metrics": {name: {"type": "sum"|"gauge"|"histogram"|...,
                                        "unit": u, "monotonic": bool|null,
                                        "temporality": "cumulative"|"delta"|null,
                                        "points": [{"attributes": {...}, ...}]}}}
                    Points are the latest seen per attribute set (the receiver's view of
                    cumulative data): a sum or gauge point has "value", a histogram point
                    "count", "sum", "min", "max", "bounds" and "bucket_counts".
"""

import gzip
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2_grpc
from opentelemetry.proto.metrics.v1 import metrics_pb2

LIFETIME = 600

LOCK = threading.Lock()
STATE = {"requests": 0, "resource": {}, "metrics": {}}
# (metric name, attribute tuple) -> (time_unix_nano, point dict)
LATEST = {}


def any_value(v):
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind in ("array_value", "kvlist_value", "bytes_value"):
        return str(getattr(v, kind))
    return getattr(v, kind)


def attributes(kvs):
    return {kv.key: any_value(kv.value) for kv in kvs}


TEMPORALITY = {
    metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE: "cumulative",
    metrics_pb2.AGGREGATION_TEMPORALITY_DELTA: "delta",
}


def number(p):
    kind = p.WhichOneof("value")
    return getattr(p, kind) if kind else None


def points_of(metric):
    """(type, monotonic, temporality, [(time, attrs, point)])."""
    kind = metric.WhichOneof("data")
    data = getattr(metric, kind)
    out = []
    if kind in ("sum", "gauge"):
        for p in data.data_points:
            out.append((p.time_unix_nano, attributes(p.attributes), {"value": number(p)}))
    elif kind == "histogram":
        for p in data.data_points:
            out.append(
                (
                    p.time_unix_nano,
                    attributes(p.attributes),
                    {
                        "count": p.count,
                        "sum": p.sum,
                        "min": p.min if p.HasField("min") else None,
                        "max": p.max if p.HasField("max") else None,
                        "bounds": list(p.explicit_bounds),
                        "bucket_counts": list(p.bucket_counts),
                    },
                )
            )
    else:
        for p in data.data_points:
            out.append((p.time_unix_nano, attributes(p.attributes), {"count": p.count}))
    monotonic = data.is_monotonic if kind == "sum" else None
    temporality = TEMPORALITY.get(getattr(data, "aggregation_temporality", None))
    return kind, monotonic, temporality, out


def record(req):
    with LOCK:
        STATE["requests"] += 1
        for rm in req.resource_metrics:
            STATE["resource"].update(attributes(rm.resource.attributes))
            for sm in rm.scope_metrics:
                for m in sm.metrics:
                    kind, monotonic, temporality, points = points_of(m)
                    entry = STATE["metrics"].setdefault(m.name, {"points": []})
                    entry.update(
                        type=kind, unit=m.unit, monotonic=monotonic, temporality=temporality
                    )
                    for t, attrs, point in points:
                        key = (m.name, tuple(sorted(attrs.items(), key=lambda kv: kv[0])))
                        old = LATEST.get(key)
                        if old is None or t >= old[0]:
                            LATEST[key] = (t, dict(point, attributes=attrs))


def dump():
    with LOCK:
        metrics = {
            name: dict(entry, points=[]) for name, entry in STATE["metrics"].items()
        }
        for (name, _), (_, point) in sorted(LATEST.items(), key=lambda kv: repr(kv[0])):
            metrics[name]["points"].append(point)
        return {"requests": STATE["requests"], "resource": dict(STATE["resource"]), "metrics": metrics}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        req = ExportMetricsServiceRequest()
        try:
            req.ParseFromString(body)
        except Exception as e:  # a malformed body is the sender's fault: say so
            self.reply(400, str(e).encode(), "text/plain")
            return
        record(req)
        self.reply(200, ExportMetricsServiceResponse().SerializeToString(), "application/x-protobuf")

    def do_GET(self):
        if self.path != "/dump":
            self.reply(404, b"not found", "text/plain")
            return
        self.reply(200, json.dumps(dump()).encode(), "application/json")


class MetricsService(metrics_service_pb2_grpc.MetricsServiceServicer):
    def Export(self, request, context):
        record(request)
        return ExportMetricsServiceResponse()


def start_grpc():
    import grpc  # imported here: only the gRPC half needs grpcio
    from concurrent import futures

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(MetricsService(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"GRPC_PORT {port}", flush=True)
    return server


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    grpc_server = start_grpc()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True

    def stop():
        grpc_server.stop(0)
        server.shutdown()

    threading.Timer(LIFETIME, stop).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
