"""An SSE server that is not ours, for rk6's k6/experimental/sse tests: sse-starlette on
uvicorn, bound to 127.0.0.1 on the port given as argv[1] (0 = any; the bound port is
printed as "PORT <n>" once listening). It exits by itself after LIFETIME seconds.

  /chat?n=N&first_ms=F&gap_ms=G   OpenAI-shaped chat-completion chunks: the first after F ms,
                                  then one every G ms, then "data: [DONE]" (GET or POST; a
                                  POST body's "n"/"first_ms"/"gap_ms" fields win)
  /v1/chat/completions            the same with rk6 target's field names: max_tokens,
                                  tokens_per_second, first_token_ms
  /api/generate?n=N&first_ms=F&gap_ms=G
                                  Ollama-shaped NDJSON over chunked HTTP (k6/x/stream; also
                                  options.num_predict and rk6 target's field names): one
                                  {"response": "tokI ", "done": false} line per token on the
                                  same schedule, then {"done": true}
  /cookies                        one event whose data is the request's Cookie header; sets
                                  the cookie srv=from-server
  /anything/...                   200 {"ok": true} (the login step of examples/streaming_chat.js)
  /html                           200 text/html, not a stream
  /status500                      500
  /empty                          an event stream that closes before any event
  /midevent                       "data: partial" and then the connection ends
  /badutf8                        a line that is not UTF-8, then a good event
  /nonewline                      "data: xxxx…" without ever a newline, kept open
  /big?mb=M                       one M MiB event (default 100)
"""

import asyncio
import json
import sys

import uvicorn
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, StreamingResponse
from starlette.routing import Route

STREAM = "text/event-stream"
LIFETIME = 600


async def schedule(request: Request):
    """The token count, first wait and gap (ms) a request asks for."""
    q = dict(request.query_params)
    if request.method == "POST":
        try:
            body = await request.json()
            q.update({k: str(v) for k, v in body.items()})
            if "num_predict" in body.get("options", {}):
                q.setdefault("n", str(body["options"]["num_predict"]))
        except Exception:
            pass
    if request.url.path.startswith(("/v1/", "/api/")):
        q.setdefault("n", q.get("max_tokens", 16))
        q.setdefault("first_ms", q.get("first_token_ms", 0))
        q.setdefault("gap_ms", 1000.0 / float(q.get("tokens_per_second", 50)))
    return int(q.get("n", 5)), float(q.get("first_ms", 50)), float(q.get("gap_ms", 20))


async def on_schedule(n, first, gap, item, last):
    """item(i) for i < n, the first after `first` ms, then one every `gap` ms, then last."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    for i in range(n):
        # On a schedule from the start, so the gaps do not drift with the sends.
        due = start + (first + i * gap) / 1000.0
        await asyncio.sleep(max(0.0, due - loop.time()))
        yield item(i)
    yield last


async def chat(request: Request):
    n, first, gap = await schedule(request)

    def chunk(i):
        c = {"id": "c1", "object": "chat.completion.chunk",
             "choices": [{"index": 0, "delta": {"content": f"tok{i} "}}]}
        return {"data": json.dumps(c), "id": str(i)}
    return EventSourceResponse(on_schedule(n, first, gap, chunk, {"data": "[DONE]"}), ping=600)


async def generate(request: Request):
    n, first, gap = await schedule(request)

    def line(i):
        return json.dumps({"model": "py", "response": f"tok{i} ", "done": False}) + "\n"
    last = json.dumps({"model": "py", "response": "", "done": True, "eval_count": n}) + "\n"
    return StreamingResponse(on_schedule(n, first, gap, line, last),
                             media_type="application/x-ndjson")


async def cookies(request: Request):
    async def one():
        yield {"data": request.headers.get("cookie", "")}
    response = EventSourceResponse(one(), ping=600)
    response.set_cookie("srv", "from-server")
    return response


async def anything(_):
    return JSONResponse({"ok": True})


async def html(_):
    return HTMLResponse("<html><body>not a stream</body></html>")


async def status500(_):
    return PlainTextResponse("boom", status_code=500)


def raw(parts, keep_open=False):
    async def body():
        for p in parts:
            yield p
        if keep_open:
            await asyncio.sleep(3600)
    return StreamingResponse(body(), media_type=STREAM)


async def empty(_):
    return raw([])


async def midevent(_):
    return raw([b"data: partial"])


async def badutf8(_):
    return raw([b"data: \xff\xfe\n\n", b"data: fine\n\n"])


async def nonewline(_):
    return raw([b"data: " + b"x" * 1000], keep_open=True)


async def big(request: Request):
    mb = int(request.query_params.get("mb", 100))
    block = b"x" * (1024 * 1024)

    async def body():
        yield b"data: "
        for _ in range(mb):
            yield block
        yield b"\n\ndata: after\n\n"
    return StreamingResponse(body(), media_type=STREAM)


app = Starlette(routes=[
    Route("/chat", chat, methods=["GET", "POST"]),
    Route("/v1/chat/completions", chat, methods=["POST"]),
    Route("/api/generate", generate, methods=["GET", "POST"]),
    Route("/cookies", cookies),
    Route("/anything/{rest:path}", anything, methods=["GET", "POST"]),
    Route("/html", html),
    Route("/status500", status500),
    Route("/empty", empty),
    Route("/midevent", midevent),
    Route("/badutf8", badutf8),
    Route("/nonewline", nonewline),
    Route("/big", big),
])


async def main(port: int):
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    print(f"PORT {bound}", flush=True)
    try:
        await asyncio.wait_for(task, LIFETIME)
    except asyncio.TimeoutError:
        pass


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
