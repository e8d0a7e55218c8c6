//! stdout and stderr as k6 writes them.
//!
//! Everything rk6 prints goes through [`out`] and [`err`], so this module owns what a
//! person sees on a terminal:
//! - on a terminal every line ends in `\x1b[0K` (clear to end of line), as k6's writer does;
//! - while a test runs on a terminal, its progress block stays below everything else: each
//!   write is followed by the block again, drawn with the cursor parked at its top so the
//!   next write overwrites it ([`show_block`], [`end_block`]);
//! - a closed pipe (`rk6 inspect | head`) is not an error: the text is dropped, nothing
//!   panics, and the process goes on to its normal end.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// Whether each stream is a terminal, read once.
struct Streams {
    stdout: bool,
    stderr: bool,
}

fn streams() -> &'static Streams {
    static S: OnceLock<Streams> = OnceLock::new();
    S.get_or_init(|| Streams {
        stdout: std::io::stdout().is_terminal(),
        stderr: std::io::stderr().is_terminal(),
    })
}

/// The progress block being kept at the bottom of the terminal, already rendered.
static BLOCK: Mutex<Option<String>> = Mutex::new(None);

/// `--no-color` (or `NO_COLOR`): no SGR codes anywhere.
static NO_COLOR: AtomicBool = AtomicBool::new(false);

/// When the process started, for the `[0000]` seconds of terminal log lines.
fn started() -> Instant {
    static T: OnceLock<Instant> = OnceLock::new();
    *T.get_or_init(Instant::now)
}

/// Records the start time and the colour choice; call first thing in `main`.
pub fn init(no_color: bool) {
    started();
    let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    NO_COLOR.store(no_color || env_off, Ordering::Relaxed);
}

pub fn stdout_is_tty() -> bool {
    streams().stdout
}

pub fn stderr_is_tty() -> bool {
    streams().stderr
}

/// Whether SGR colours may be written to stdout (a terminal and no `--no-color`).
pub fn stdout_color() -> bool {
    stdout_is_tty() && !NO_COLOR.load(Ordering::Relaxed)
}

/// Whether stderr log lines take logrus' coloured terminal form.
pub(crate) fn stderr_color() -> bool {
    stderr_is_tty() && !NO_COLOR.load(Ordering::Relaxed)
}

/// The terminal's width in columns (80 when stdout is not a terminal or will not say).
pub fn columns() -> usize {
    // SAFETY: TIOCGWINSZ fills a plain `winsize` struct owned by this frame.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) } == 0;
    if ok && ws.ws_col > 0 {
        ws.ws_col as usize
    } else {
        80
    }
}

/// Whole seconds since the process started, as logrus' terminal format shows them.
pub(crate) fn seconds_since_start() -> u64 {
    started().elapsed().as_secs()
}

#[derive(Clone, Copy)]
enum Stream {
    Out,
    Err,
}

/// Writes `text` to stdout.
pub fn out(text: &str) {
    write(Stream::Out, text);
}

/// Writes `text` to stderr.
pub fn err(text: &str) {
    write(Stream::Err, text);
}

fn write(stream: Stream, text: &str) {
    let tty = match stream {
        Stream::Out => stdout_is_tty(),
        Stream::Err => stderr_is_tty(),
    };
    let text = if tty {
        std::borrow::Cow::Owned(text.replace('\n', "\x1b[0K\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    // One lock for the text and the block after it, so lines from many VUs never land
    // inside a block being drawn.
    let block = BLOCK.lock().unwrap_or_else(|p| p.into_inner());
    put(stream, text.as_bytes());
    if let Some(b) = block.as_deref().filter(|_| tty) {
        put(Stream::Out, b.as_bytes());
    }
}

/// Writes and flushes, ignoring a closed pipe or terminal like k6's writers do.
fn put(stream: Stream, bytes: &[u8]) {
    let _ = match stream {
        Stream::Out => {
            let mut o = std::io::stdout().lock();
            o.write_all(bytes).and_then(|_| o.flush())
        }
        Stream::Err => std::io::stderr().lock().write_all(bytes),
    };
}

/// Draws `lines` as the progress block on a terminal (a blank line first, each line
/// cleared to its end) and parks the cursor at its top; later writes redraw it below them.
pub fn show_block(lines: &[String]) {
    let mut frame = String::from("\x1b[K\n");
    for l in lines {
        frame.push_str(l);
        frame.push_str("\x1b[K\n");
    }
    frame.push_str(&format!("\r\x1b[J\x1b[{}A", lines.len() + 1));
    let mut block = BLOCK.lock().unwrap_or_else(|p| p.into_inner());
    put(Stream::Out, frame.as_bytes());
    *block = Some(frame);
}

/// Stops keeping a block at the bottom and clears it: the next write starts where the
/// block's top was.
pub fn end_block() {
    let mut block = BLOCK.lock().unwrap_or_else(|p| p.into_inner());
    if block.take().is_some() {
        put(Stream::Out, b"\x1b[J");
    }
}

/// `lines` as the last progress block, left on screen (no cursor parking).
pub fn final_block(lines: &[String]) -> String {
    let mut frame = String::from("\n");
    for l in lines {
        frame.push_str(l);
        frame.push('\n');
    }
    frame
}

#[cfg(test)]
mod tests {
    #[test]
    fn final_block_starts_with_a_blank_line() {
        assert_eq!(super::final_block(&["a".into(), "b".into()]), "\na\nb\n");
    }
}
