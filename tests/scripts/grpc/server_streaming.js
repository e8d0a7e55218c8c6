// Server streaming: adapted from k6's examples/grpc_server_streaming.js to the hello
// service's LotsOfReplies (5 replies), and a stream that fails after two messages
// (FailMidStream) to show the error event's object.
import { Client, Stream } from 'k6/net/grpc';
import { check, sleep } from 'k6';
import { PROTO_DIR } from './lib.js';

export const options = { iterations: 2, vus: 1 };

const client = new Client();
client.load([PROTO_DIR], 'hello.proto');

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const got = [];
  const events = [];
  const stream = new Stream(client, 'hello.HelloService/LotsOfReplies', { tags: { kind: 'replies' } });
  stream.on('data', (m) => got.push(m.reply));
  stream.on('error', (e) => events.push('error ' + e.message));
  stream.on('end', () => {
    events.push('end');
    console.log('replies ' + got.join('|') + ' events ' + events.join(','));
    check(got, { 'five replies': (g) => g.length === 5 });
  });
  stream.write({ greeting: 'stream', count: 5, delay_ms: 40 });
  stream.end();

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
  sleep(0.5);
};
