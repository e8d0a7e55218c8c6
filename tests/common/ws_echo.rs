//! A WebSocket echo server not written by us: Python's `websockets` (PyPI), started on a
//! free loopback port and killed on drop. Text is echoed as text, binary as binary; pings
//! are answered by the library. On `/drop` the first message makes the server abort the
//! TCP connection without a close frame.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
        await asyncio.get_running_loop().create_future()

asyncio.run(main(int(sys.argv[1])))
"#;

pub struct WsEcho {
    child: Child,
    _dir: Scripts,
    pub addr: SocketAddr,
}

impl WsEcho {
    pub fn start() -> WsEcho {
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
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn python3 (pip install websockets)");
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("websockets echo server exited with {status} (pip install websockets)");
            }
            assert!(Instant::now() < deadline, "echo server never listened");
            std::thread::sleep(Duration::from_millis(30));
        }
        WsEcho {
            child,
            _dir: dir,
            addr,
        }
    }

    pub fn url(&self) -> String {
        format!("ws://{}/", self.addr)
    }
}

impl Drop for WsEcho {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
