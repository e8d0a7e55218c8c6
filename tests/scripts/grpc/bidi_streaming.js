// Bidirectional streaming: the hello service's BidiHello answers each message in order;
// the stream ends when the client has written four and called end().
import { Client, Stream } from 'k6/net/grpc';
import { check, sleep } from 'k6';
import { PROTO_DIR } from './lib.js';

export const options = { iterations: 2, vus: 1 };

const client = new Client();
client.load([PROTO_DIR], 'hello.proto');

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const replies = [];
  const stream = new Stream(client, 'hello.HelloService/BidiHello', { metadata: { 'x-mode': 'bidi' } });
  stream.on('data', (m) => replies.push(m.count + ':' + m.reply));
  stream.on('end', () => {
    console.log('bidi ' + replies.join('|'));
    check(replies, { 'four answers': (r) => r.length === 4 });
    client.close();
  });
  for (const g of ['one', 'two', 'three', 'four']) stream.write({ greeting: g });
  stream.end();
  sleep(0.3);
};
