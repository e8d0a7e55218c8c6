import asyncio, sys
from websockets.asyncio.server import serve
async def echo(ws):
    try:
        async for m in ws:
            await ws.send(m)
    except Exception:
        pass
async def main():
    async with serve(echo, "127.0.0.1", int(sys.argv[1])):
        await asyncio.get_running_loop().create_future()
asyncio.run(main())
