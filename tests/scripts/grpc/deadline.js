// Deadlines: a call whose server sleeps past the call's timeout ends DeadlineExceeded;
// the same within the timeout succeeds; a stream with a timeout ends with an error event
// after the two messages sent before it.
import grpc from 'k6/net/grpc';
import { check, sleep } from 'k6';
import { canon, deadlineText, PROTO_DIR } from './lib.js';

export const options = { iterations: 1 };

const client = new grpc.Client();
client.load([PROTO_DIR], 'hello.proto');

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const slow = client.invoke('hello.HelloService/Sleep', { greeting: 'late', delay_ms: 3000 }, { timeout: '300ms' });
  check(slow, {
    'slow call DeadlineExceeded': (r) => r.status === grpc.StatusDeadlineExceeded,
    'message is the empty message': (r) => r.message && r.message.reply === '',
  });
  const err = slow.error || {};
  console.log('slow status ' + slow.status + ' error keys ' + Object.keys(err).sort() + ' code ' + err.code +
    ' details ' + canon(err.details) + ' text ' + deadlineText(err.message) + ' message ' + canon(slow.message));
  const quick = client.invoke('hello.HelloService/Sleep', { greeting: 'soon', delay_ms: 10 }, { timeout: 2000 });
  check(quick, { 'quick call OK': (r) => r.status === grpc.StatusOK });
  const stream = new grpc.Stream(client, 'hello.HelloService/LotsOfReplies', { timeout: '450ms' });
  const got = [];
  stream.on('data', (m) => got.push(m.reply));
  stream.on('error', (e) => console.log('stream error code ' + e.code + ' message ' + deadlineText(e.message)));
  stream.on('end', () => console.log('stream end after ' + got.length));
  stream.write({ greeting: 'slow', count: 10, delay_ms: 300 });
  stream.end();
  sleep(1.5);
};
