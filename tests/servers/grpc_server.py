"""A gRPC server that is not ours, for rk6's k6/net/grpc tests: grpcio (PyPI) with server
reflection, serving the services of grpc/hello.proto and grpc/inference.proto, compiled at
start with grpc_tools.protoc into a temporary directory.

  python3 grpc_server.py PORT [--tls DIR] [--processes N]

Binds 127.0.0.1:PORT (0 = any) and prints, once listening, in this order:
  PORT n         plaintext gRPC
  SILENT_PORT n  a TCP listener that accepts connections and never says a word (a server
                 hanging past a client's connect timeout)
and with --tls DIR (DIR holds server.pem, server.key, ca.pem, made by the test with openssl):
  TLS_PORT n     gRPC over TLS with the server certificate (for 127.0.0.1 and localhost)
  MTLS_PORT n    the same, but a client certificate signed by ca.pem is required
--processes N forks N-1 more servers on the same plaintext port (SO_REUSEPORT), for the
benchmark, where one Python process would be the bottleneck.

What each method does is said beside it in the .proto files. It exits by itself after
LIFETIME seconds. Needs: pip install grpcio grpcio-tools grpcio-reflection grpcio-status
"""

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from concurrent import futures

import grpc
from grpc_reflection.v1alpha import reflection
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.path.join(HERE, "grpc")
LIFETIME = 600


def compile_protos():
    """Generates the Python modules of the .proto files into a temp dir and imports them."""
    out = tempfile.mkdtemp(prefix="rk6-grpc-")
    wkt = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    for name in ("hello.proto", "inference.proto"):
        args = ["protoc", "-I" + PROTO_DIR, "-I" + wkt, "--python_out=" + out,
                "--grpc_python_out=" + out, name]
        if protoc.main(args) != 0:
            sys.exit("protoc failed on " + name)
    sys.path.insert(0, out)


compile_protos()
import hello_pb2 as hello  # noqa: E402
import hello_pb2_grpc as hello_grpc  # noqa: E402
import inference_pb2 as inf  # noqa: E402
import inference_pb2_grpc as inf_grpc  # noqa: E402
from google.protobuf import any_pb2  # noqa: E402
from google.rpc import code_pb2, error_details_pb2, status_pb2  # noqa: E402
from grpc_status import rpc_status  # noqa: E402


def rich_error(code, message):
    """A grpc.Status with google.rpc details (ErrorInfo, BadRequest) in its trailers."""
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason="GREETING_REJECTED", domain="grpc-test.local",
                                          metadata={"greeting": message}))
    bad = any_pb2.Any()
    bad.Pack(error_details_pb2.BadRequest(field_violations=[
        error_details_pb2.BadRequest.FieldViolation(field="greeting", description="must not be " + message)]))
    return rpc_status.to_status(status_pb2.Status(code=code, message=message, details=[info, bad]))


class Hello(hello_grpc.HelloServiceServicer):
    def SayHello(self, req, ctx):
        return hello.HelloResponse(reply="hello " + req.greeting, count=1)

    def LotsOfReplies(self, req, ctx):
        n = req.count or 3
        for i in range(n):
            if i and req.delay_ms:
                time.sleep(req.delay_ms / 1000)
            yield hello.HelloResponse(reply="hello %s %d" % (req.greeting, i), count=i + 1)

    def LotsOfGreetings(self, it, ctx):
        names = [r.greeting for r in it]
        return hello.HelloResponse(reply="hello " + ", ".join(names), count=len(names))

    def BidiHello(self, it, ctx):
        for i, r in enumerate(it):
            yield hello.HelloResponse(reply="hello " + r.greeting, count=i + 1)

    def EchoMetadata(self, req, ctx):
        md = sorted((k, v) for k, v in ctx.invocation_metadata() if k.startswith("x-"))
        shown = ["%s=%s" % (k, v.hex() if isinstance(v, bytes) else v) for k, v in md]
        ctx.send_initial_metadata([("x-server", "grpc-test")] +
                                  [("x-echo-" + k[2:], v) for k, v in md if not k.endswith("-bin")])
        ctx.set_trailing_metadata([("x-trailer", "done"), ("x-count", str(len(md)))])
        return hello.HelloResponse(reply="\n".join(shown), count=len(md))

    def Sleep(self, req, ctx):
        deadline = time.monotonic() + req.delay_ms / 1000
        while time.monotonic() < deadline and ctx.is_active():
            time.sleep(0.01)
        return hello.HelloResponse(reply="hello " + req.greeting, count=1)

    def Fail(self, req, ctx):
        ctx.abort_with_status(rich_error(req.count or code_pb2.INVALID_ARGUMENT, req.greeting))

    def FailMidStream(self, req, ctx):
        for i in range(req.count):
            yield hello.HelloResponse(reply="hello %s %d" % (req.greeting, i), count=i + 1)
        ctx.abort_with_status(rich_error(code_pb2.FAILED_PRECONDITION, req.greeting))


class Inference(inf_grpc.InferenceServicer):
    def Predict(self, req, ctx):
        outputs = [inf.Tensor(name=t.name + ".out", shape=t.shape, values=[2 * v for v in t.values],
                              precision=t.precision) for t in req.inputs]
        finished = None
        if req.HasField("not_after"):
            finished = type(req.not_after)()
            finished.FromNanoseconds(req.not_after.ToNanoseconds() + req.budget.ToNanoseconds())
        labels = dict(req.labels)
        labels["served-by"] = "grpc-test"
        prompt_tokens = sum(len(t.values) for t in req.inputs) + len(req.text.split())
        return inf.PredictResponse(
            model=req.model, outputs=outputs, labels=labels, request_id=req.request_id, seed=req.seed,
            finished_at=finished, budget=req.budget if req.HasField("budget") else None,
            parameters=req.parameters if req.HasField("parameters") else None,
            precision=req.precision, salt=req.salt[::-1],
            usage=inf.PredictResponse.Usage(prompt_tokens=prompt_tokens, total_tokens=prompt_tokens + req.max_tokens),
            by_index={i: t for i, t in enumerate(outputs)},
            big={"value": req.request_id * 2} if req.request_id else None,
            note={"value": "seed %d" % req.seed} if req.seed else None,
            prompt_kind=req.WhichOneof("prompt") or "")

    def Generate(self, req, ctx):
        n = req.max_tokens or 4
        for i in range(n):
            yield inf.Token(index=i, text="tok%d" % i, last=i == n - 1)


def build_server():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32),
                         options=[("grpc.so_reuseport", 1)])
    hello_grpc.add_HelloServiceServicer_to_server(Hello(), server)
    inf_grpc.add_InferenceServicer_to_server(Inference(), server)
    names = (hello.DESCRIPTOR.services_by_name["HelloService"].full_name,
             inf.DESCRIPTOR.services_by_name["Inference"].full_name, reflection.SERVICE_NAME)
    reflection.enable_server_reflection(names, server)
    return server


def tls_credentials(tls_dir, require_client_cert):
    read = lambda name: open(os.path.join(tls_dir, name), "rb").read()
    return grpc.ssl_server_credentials([(read("server.key"), read("server.pem"))],
                                       root_certificates=read("ca.pem") if require_client_cert else None,
                                       require_client_auth=require_client_cert)


def silent_listener():
    """A socket the kernel completes handshakes on and nobody ever reads or answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fork_helpers(port, count):
    """`count` more processes serving `port` (SO_REUSEPORT; the kernel spreads connections),
    forked before this process starts gRPC (grpcio does not survive a fork after that),
    each ending with its parent."""
    for _ in range(count):
        if os.fork() == 0:
            import ctypes
            ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
            child = build_server()
            child.add_insecure_port("127.0.0.1:%d" % port)
            child.start()
            child.wait_for_termination()
            os._exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--tls")
    ap.add_argument("--processes", type=int, default=1)
    a = ap.parse_args()
    threading.Timer(LIFETIME, lambda: os._exit(0)).start()
    want = a.port
    if a.processes > 1:
        want = want or free_port()
        fork_helpers(want, a.processes - 1)
    server = build_server()
    port = server.add_insecure_port("127.0.0.1:%d" % want)
    if port == 0:
        sys.exit("could not bind 127.0.0.1:%d" % want)
    silent = silent_listener()
    ports = [("PORT", port), ("SILENT_PORT", silent.getsockname()[1])]
    if a.tls:
        ports.append(("TLS_PORT", server.add_secure_port("127.0.0.1:0", tls_credentials(a.tls, False))))
        ports.append(("MTLS_PORT", server.add_secure_port("127.0.0.1:0", tls_credentials(a.tls, True))))
    server.start()
    for name, p in ports:
        print("%s %d" % (name, p), flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
