"""A purpose-built hostile HTTP/WebSocket server for rk6's differential tests.

No real server misbehaves on demand, so this one serves one fault per path, each as raw
bytes on the socket (Python stdlib only). It binds a free loopback port, prints
"ready PORT" and serves until killed. One request per connection.

HTTP paths:
  /ok                   a plain 200 (sanity)
  /drip-head?ms=N       the response head one byte every N ms
  /drip-body?ms=N       a full head (Content-Length: 1000), then one body byte every N ms
  /reset-head           the status line and one header, then a TCP reset
  /close-head           the status line and one header, then the connection closes
  /reset-body           a head promising 1000 bytes, 100 of them, then a TCP reset
  /bad-chunk            chunked body whose first chunk length is not hex
  /bad-status           a status line whose code is not a number
  /bad-proto            a status line that is not HTTP at all
  /dup-cl               two different Content-Length headers
  /neg-cl               Content-Length: -1
  /redirect-loop        302 back to itself, forever
  /huge?mb=N            a plain body of N MiB
  /gzip-bomb?mb=N       Content-Encoding: gzip, about N KiB on the wire expanding to N MiB
  /bad-gzip             Content-Encoding: gzip over a body that is not gzip
  /headers?n=N          N headers in all (~64 bytes each)
  /big-head?mb=N        a response head of N MiB (headers of 64 KiB each)
  /hang                 reads the request and never answers
  /raw?b64=B            a 200 whose body is exactly the bytes of B (URL-safe base64,
                        padding optional): bodies no other server sends, such as bad UTF-8

WebSocket paths (after a valid 101 unless said otherwise):
  /ws/hang              reads the handshake and never answers it
  /ws/bad-opcode        a frame with the reserved opcode 0x3
  /ws/rsv               a text frame with RSV1 set (no extension negotiated)
  /ws/masked            a masked text frame (servers must not mask)
  /ws/bad-close-utf8    a close frame whose reason is not UTF-8
"""

import asyncio
import base64
import gzip
import hashlib
import socket
import struct
import sys
from urllib.parse import parse_qs, urlsplit

WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

_gzip_member = None


def gzip_member():
    """One gzip member of 1 MiB of zeros (~1 KiB): members concatenate into a bomb."""
    global _gzip_member
    if _gzip_member is None:
        _gzip_member = gzip.compress(b"\0" * (1 << 20), compresslevel=9)
    return _gzip_member


def reset(writer):
    """Close with SO_LINGER 0, which sends a TCP RST instead of a FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def head(status="200 OK", headers=(), length=None):
    lines = ["HTTP/1.1 " + status]
    lines += list(headers)
    if length is not None:
        lines.append("Content-Length: %d" % length)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def drip(writer, data, ms):
    for i in range(len(data)):
        writer.write(data[i : i + 1])
        await writer.drain()
        await asyncio.sleep(ms / 1000)


async def send_body(writer, total, chunk):
    sent = 0
    while sent < total:
        part = chunk[: total - sent]
        writer.write(part)
        await writer.drain()
        sent += len(part)


async def http_fault(path, q, writer):
    n = lambda key, default: int(q.get(key, [default])[0])
    if path == "/ok":
        writer.write(head(length=2) + b"ok")
    elif path == "/drip-head":
        await drip(writer, head(length=2) + b"ok", n("ms", 100))
    elif path == "/drip-body":
        writer.write(head(length=1000))
        await drip(writer, b"x" * 1000, n("ms", 100))
    elif path == "/reset-head":
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n")
        await writer.drain()
        await asyncio.sleep(0.1)
        return reset(writer)
    elif path == "/close-head":
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n")
    elif path == "/reset-body":
        writer.write(head(length=1000) + b"x" * 100)
        await writer.drain()
        await asyncio.sleep(0.1)
        return reset(writer)
    elif path == "/bad-chunk":
        writer.write(head(headers=["Transfer-Encoding: chunked"]) + b"zz\r\nhello\r\n0\r\n\r\n")
    elif path == "/bad-status":
        writer.write(b"HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok")
    elif path == "/bad-proto":
        writer.write(b"FOO/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    elif path == "/dup-cl":
        writer.write(head(headers=["Content-Length: 2", "Content-Length: 3"]) + b"ok")
    elif path == "/neg-cl":
        writer.write(head(headers=["Content-Length: -1"]) + b"ok")
    elif path == "/redirect-loop":
        writer.write(head("302 Found", ["Location: /redirect-loop"], 0))
    elif path == "/huge":
        total = n("mb", 200) << 20
        writer.write(head(length=total))
        await send_body(writer, total, b"x" * (1 << 20))
    elif path == "/gzip-bomb":
        member = gzip_member()
        count = n("mb", 1024)
        writer.write(head(headers=["Content-Encoding: gzip"], length=len(member) * count))
        await send_body(writer, len(member) * count, member * 64)
    elif path == "/bad-gzip":
        writer.write(head(headers=["Content-Encoding: gzip"], length=9) + b"not gzip!")
    elif path == "/headers":
        # N header lines in all, Content-Length included.
        extra = ["X-Header-%04d: %s" % (i, "v" * 48) for i in range(n("n", 1000) - 1)]
        writer.write(head(headers=extra, length=2) + b"ok")
    elif path == "/big-head":
        count = (n("mb", 8) << 20) // (64 << 10)
        extra = ["X-Big-%04d: %s" % (i, "b" * ((64 << 10) - 16)) for i in range(count)]
        writer.write(head(headers=extra, length=2) + b"ok")
    elif path == "/hang":
        await asyncio.sleep(3600)
    elif path == "/raw":
        b64 = q.get("b64", [""])[0]
        body = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
        # Said outright, so a client never sends its next request down this closing socket.
        writer.write(head(headers=["Connection: close"], length=len(body)) + body)
    else:
        writer.write(head("404 Not Found", length=0))
    await writer.drain()
    writer.close()


def ws_frame(opcode, payload, fin=True, rsv1=False, mask=None):
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    size = len(payload)
    mask_bit = 0x80 if mask else 0
    if size < 126:
        out = bytes([first, mask_bit | size])
    else:
        out = bytes([first, mask_bit | 126]) + struct.pack("!H", size)
    if mask:
        out += mask
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return out + payload


async def ws_fault(path, headers, reader, writer):
    if path == "/ws/hang":
        await asyncio.sleep(3600)
        return
    key = headers.get("sec-websocket-key", "").encode()
    accept = base64.b64encode(hashlib.sha1(key + WS_GUID).digest()).decode()
    writer.write(
        head(
            "101 Switching Protocols",
            ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: " + accept],
        )
    )
    frames = {
        "/ws/bad-opcode": ws_frame(0x3, b"bad"),
        "/ws/rsv": ws_frame(0x1, b"rsv", rsv1=True),
        "/ws/masked": ws_frame(0x1, b"masked", mask=b"\x01\x02\x03\x04"),
        "/ws/bad-close-utf8": ws_frame(0x8, struct.pack("!H", 1000) + b"\xff\xfe"),
    }
    writer.write(frames.get(path, ws_frame(0x8, struct.pack("!H", 1000))))
    await writer.drain()
    # Read until the client goes away (its close frame, if any, is not answered).
    try:
        await asyncio.wait_for(reader.read(), timeout=30)
    except (asyncio.TimeoutError, ConnectionError):
        pass
    writer.close()


async def handle(reader, writer):
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        writer.close()
        return
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    target = urlsplit(parts[1] if len(parts) > 1 else "/")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    try:
        if target.path.startswith("/ws/"):
            await ws_fault(target.path, headers, reader, writer)
        else:
            await http_fault(target.path, parse_qs(target.query), writer)
    except (ConnectionError, OSError):
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=1 << 20)
    port = server.sockets[0].getsockname()[1]
    print("ready %d" % port, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
