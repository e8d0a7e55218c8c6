// Server streaming: adapted from k6's examples/grpc_server_streaming.js to the hello
// service's LotsOfReplies (5 replies), and a stream that fails after two messages
// (FailMidStream) to show the error event's object; the data handler's second argument.
import { Client, Stream } from 'k6/net/grpc';
import { check, sleep } from 'k6';
import { PROTO_DIR } from './lib.js';

export const options = { iterations: 4, vus: 1 };

const client = new Client();
client.load([PROTO_DIR], 'hello.proto');

// One stream per iteration (an iteration lasts until its streams end), so the console
// lines come in one order.
export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  if (__ITER % 2 === 0) replies();
  else failing();
  sleep(0.2);
};

function replies() {
  const got = [];
  const events = [];
  const stream = new Stream(client, 'hello.HelloService/LotsOfReplies', { tags: { kind: 'replies' } });
  stream.on('data', (m, meta) => got.push(m.reply + (typeof meta.ts === 'number' ? '' : ' (no ts)')));
  stream.on('error', (e) => events.push('error ' + e.message));
  stream.on('end', () => {
    events.push('end');
    console.log('replies ' + got.join('|') + ' events ' + events.join(','));
    check(got, { 'five replies': (g) => g.length === 5 });
  });
  stream.write({ greeting: 'stream', count: 5, delay_ms: 40 });
  stream.end();
}

function failing() {
  const failing = new Stream(client, 'hello.HelloService/FailMidStream');
  const seen = [];
  failing.on('data', (m) => seen.push(m.reply));
  failing.on('error', (e) => {
    // k6 hands the Go status object itself to the handler: only these fields read alike.
    const d = e.details || [];
    console.log('failing error code ' + e.code + ' message ' + e.message + ' details ' + d.length +
      ' reason ' + (d[0] && d[0].reason) + ' field ' + (d[1] && d[1].field_violations[0].field));
    check(e, { 'error code is FailedPrecondition': (x) => x.code == 9, 'error message': (x) => x.message === 'broken' });
  });
  failing.on('end', () => console.log('failing end after ' + seen.join('|')));
  failing.write({ greeting: 'broken', count: 2 });
  failing.end();
}
