// Bad input: a server that accepts TCP connections and never speaks (GRPC_SILENT_ADDR):
// connect gives up after its timeout; and a call the real server leaves hanging past the
// call's timeout.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { deadlineText, errorText, PROTO_DIR } from './lib.js';

export const options = { iterations: 1 };

const client = new grpc.Client();
client.load([PROTO_DIR], 'hello.proto');

export default () => {
  const start = Date.now();
  try {
    client.connect(__ENV.GRPC_SILENT_ADDR, { plaintext: true, timeout: '1s' });
    console.log('connected?');
  } catch (e) {
    const took = Date.now() - start;
    console.log('silent server: ' + errorText(e));
    check(took, { 'gave up after about 1s': (t) => t >= 900 && t < 5000 });
  }
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const r = client.invoke('hello.HelloService/Sleep', { delay_ms: 60000 }, { timeout: '1s' });
  check(r, { 'hanging call DeadlineExceeded': (x) => x.status === grpc.StatusDeadlineExceeded });
  console.log('hanging call: ' + r.status + ' ' + deadlineText(r.error && r.error.message));
};
