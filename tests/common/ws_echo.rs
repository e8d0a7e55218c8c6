//! A WebSocket echo server not written by us: Python's `websockets` (PyPI), started on a
//! free loopback port and killed on drop. Text is echoed as text, binary as binary; pings
//! are answered by the library. On `/drop` the first message makes the server abort the
//! TCP connection without a close frame.

use super::KillOnDrop;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};

use super::Scripts;

const SERVER: &str = r#"
import asyncio, sys
from websockets.asyncio.server import serve

async def echo(ws):
    async for message in ws:
        if ws.request.path == "/drop":
            ws.transport.abort()
            return
        await ws.send(message)

async def main(port):
    async with serve(echo, "127.0.0.1", port, max_size=16 * 1024 * 1024):
        print("ready", flush=True)
        await asyncio.get_running_loop().create_future()

asyncio.run(main(int(sys.argv[1])))
"#;

pub struct WsEcho {
    child: KillOnDrop,
    _dir: Scripts,
    pub addr: SocketAddr,
}

impl WsEcho {
    pub fn start() -> WsEcho {
        // The free port is probed, then released for Python to bind: another test may take
        // it in between, so a server that exits at once is started again on a new port.
        for _ in 0..5 {
            if let Some(echo) = Self::try_start() {
                return echo;
            }
        }
        panic!("websockets echo server never started (pip install websockets)");
    }

    fn try_start() -> Option<WsEcho> {
        let dir = Scripts::new();
        dir.write("echo.py", SERVER);
        let addr = {
            let l = TcpListener::bind("127.0.0.1:0").expect("bind probe");
            l.local_addr().expect("probe addr")
        };
        let mut child = Command::new("python3")
            .arg(dir.path("echo.py"))
            .arg(addr.port().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn python3 (pip install websockets)");
        // "ready" once it listens; end of output if it could not bind (port taken).
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        if line.trim() != "ready" {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        Some(WsEcho {
            child: KillOnDrop(child),
            _dir: dir,
            addr,
        })
    }

    pub fn url(&self) -> String {
        format!("ws://{}/", self.addr)
    }
}
