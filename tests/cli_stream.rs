//! `k6/x/stream`, rk6's way to read a plain streamed (chunked) response as it arrives,
//! against a server that is not ours (Starlette's `StreamingResponse` on uvicorn,
//! `common/sse_server.rs`) and rk6 target: an Ollama-shaped NDJSON answer assembled line
//! by line, its gaps against the server's schedule, raw reads, thresholds on its metrics,
//! `close()`, and hostile bodies ending in `error` events, never a hang.

mod common;

use std::time::Duration;

use common::sse_server::SseServer;
use common::*;

const GENERATE: &str = r#"
import stream from 'k6/x/stream';
import { check } from 'k6';
export const options = {
  iterations: 1,
  thresholds: { stream_time_to_first_chunk: [__ENV.TTFT || 'p(95)<500'] },
};
export function setup() {
  stream.open(`${__ENV.SSE}/api/generate?n=1&first_ms=0`, (s) => {});
}
export default function () {
  let text = ''; let done = false;
  const res = stream.open(`${__ENV.SSE}/api/generate`, {
    method: 'POST',
    body: JSON.stringify({ n: 10, first_ms: 80, gap_ms: 25 }),
    tags: { name: 'generate' },
    timings: true,
  }, (s) => {
    s.on('data', (line) => { const d = JSON.parse(line); text += d.response; done = d.done; });
    s.on('error', (e) => console.log(`ERROR ${e.error()}`));
  });
  check(res, {
    'status 200': (r) => r.status === 200,
    'ndjson': (r) => r.headers['Content-Type'] === 'application/x-ndjson',
    'assembled': () => text === 'tok0 tok1 tok2 tok3 tok4 tok5 tok6 tok7 tok8 tok9 ' && done,
  });
}
"#;

#[test]
fn an_ndjson_answer_is_assembled_line_by_line_and_timed_against_the_schedule() {
    let server = SseServer::start();
    let (dir, _) = script("gen.js", GENERATE);
    let out = Run::rk6()
        .cwd(dir.dir())
        .env("SSE", server.url(""))
        .args(["run", "--summary-export", "s.json", "gen.js"])
        .timeout(Duration::from_secs(90))
        .output();
    out.assert_code(0);
    assert!(!out.stderr.contains("ERROR"), "{}", out.dump());
    let e = Export::read(&dir.path("s.json"));
    assert_eq!(
        e.checks().values().map(|c| c.1).sum::<u64>(),
        0,
        "{}",
        out.dump()
    );
    // Ten tokens and the done line, and the warm-up's token and done line.
    assert_eq!(e.num("stream_chunk", "count"), 13.0);
    // Never before the server's wait; the upper bound leaves room for a busy CI machine
    // (the precision claim is measured in bench/sse.sh, not in a timed test).
    let ttft = e.num("stream_time_to_first_chunk", "avg");
    assert!(
        (79.0..=120.0).contains(&ttft),
        "time to first chunk {ttft} ms, server waits 80"
    );
    let med = e.num("stream_chunk_gap", "med");
    assert!((med - 25.0).abs() <= 5.0, "median gap {med} ms, server: 25");
    assert!(out.stdout.contains("stream_duration"), "{}", out.dump());

    let out = Run::rk6()
        .cwd(dir.dir())
        .env("SSE", server.url(""))
        .env("TTFT", "p(95)<1")
        .args(["run", "-q", "gen.js"])
        .timeout(Duration::from_secs(90))
        .output();
    out.assert_code(99);
}

#[test]
fn raw_reads_hostile_bodies_and_close() {
    let server = SseServer::start();
    let src = r#"
import stream from 'k6/x/stream';
export default function () {
  for (const path of ['status500', 'midevent', 'badutf8', 'big?mb=100', 'nonewline']) {
    const errs = []; const lines = [];
    const r = stream.open(`${__ENV.SSE}/${path}`, { timeout: '3s' }, (s) => {
      s.on('data', (l) => lines.push(l.length > 20 ? `${l.length}B` : l));
      s.on('error', (e) => errs.push(String(e)));
    });
    console.log(`RESULT ${path} status=${r.status} lines=${lines.join('+')} errors=${errs.join('|')}`);
  }
  let raw = '';
  stream.open(`${__ENV.SSE}/api/generate?n=3&first_ms=0&gap_ms=5`, { split: 'none' }, (s) => {
    s.on('data', (d) => { raw += d; });
  });
  console.log(`RAW ${raw.split('\n').filter((l) => l).map((l) => JSON.parse(l).done).join(',')}`);
  let n = 0; const t0 = Date.now();
  stream.open(`${__ENV.SSE}/api/generate?n=50&first_ms=0&gap_ms=100`, (s) => {
    s.on('data', () => { if (++n === 2) s.close(); });
  });
  console.log(`CLOSED n=${n} ms=${Date.now() - t0}`);
  try { stream.open(`${__ENV.SSE}/x`, { split: 'word' }, () => {}); } catch (e) { console.log(`BADSPLIT ${e}`); }
}
"#;
    let out = server.run(src, &["-q", "--iterations", "1"]);
    out.assert_code(0);
    let line = |tag: &str| {
        out.stderr
            .lines()
            .find(|l| l.contains(tag))
            .unwrap_or_else(|| panic!("no {tag}\n{}", out.dump()))
            .to_string()
    };
    assert!(line("RESULT status500 ").contains("status=500 lines= errors=unexpected status 500"));
    assert!(line("RESULT midevent ").contains("lines=data: partial errors="));
    assert!(line("RESULT badutf8 ")
        .contains("lines=data: fine errors=a line that is not UTF-8 was dropped"));
    assert!(line("RESULT big?mb=100 ")
        .contains("lines=data: after errors=a line over rk6's limit of 8 MiB was dropped"));
    assert!(line("RESULT nonewline ").contains("lines= errors=request timeout"));
    assert!(line("RAW ").contains("RAW false,false,false,true"));
    let closed = line("CLOSED ");
    let ms: u64 = closed
        .split("ms=")
        .nth(1)
        .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(u64::MAX);
    assert!(closed.contains("n=2") && ms < 1000, "{closed}");
    assert!(line("BADSPLIT ").contains("invalid stream.open() split: \\\"word\\\""));
}

#[test]
fn rk6_target_streams_ollama_generations() {
    let target = Target::start();
    let src = r#"
import http from 'k6/http';
import stream from 'k6/x/stream';
export default function () {
  const lines = [];
  stream.open(`${__ENV.BASE_URL}/api/generate`, {
    method: 'POST', body: JSON.stringify({ model: 'm', options: { num_predict: 3 } }),
  }, (s) => s.on('data', (l) => lines.push(l)));
  const parsed = lines.map((l) => JSON.parse(l));
  console.log(`LINES ${parsed.map((d) => d.response).join('')}|${parsed[3].done}|${parsed[3].eval_count}|${parsed[0].model}`);
  const whole = http.post(`${__ENV.BASE_URL}/api/generate`, JSON.stringify({ stream: false, max_tokens: 2 }));
  console.log(`WHOLE ${whole.json('response')}|${whole.json('done')}`);
}
"#;
    let (dir, _) = script("t.js", src);
    let out = Run::rk6()
        .target(&target)
        .cwd(dir.dir())
        .args(["run", "-q", "--iterations", "1", "t.js"])
        .timeout(Duration::from_secs(60))
        .output();
    out.assert_code(0);
    assert!(
        out.stderr.contains("LINES tok0 tok1 tok2 |true|3|m"),
        "{}",
        out.dump()
    );
    assert!(
        out.stderr.contains("WHOLE tok0 tok1 |true"),
        "{}",
        out.dump()
    );
}

#[test]
fn the_ndjson_example_passes_against_rk6_target_and_a_real_streaming_server() {
    common::sse_server::assert_example_passes(
        "streaming_ndjson.js",
        &[
            "stream_time_to_first_chunk",
            "stream_chunk_gap",
            "stream_chunk",
        ],
    );
}
