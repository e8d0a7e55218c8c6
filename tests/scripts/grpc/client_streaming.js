// Client streaming: adapted from k6's examples/grpc_client_streaming.js to the hello
// service's LotsOfGreetings: three greetings written, then end(); one reply.
import { Client, Stream } from 'k6/net/grpc';
import { check, sleep } from 'k6';
import { PROTO_DIR } from './lib.js';

export const options = { iterations: 2, vus: 1 };

const client = new Client();
client.load([PROTO_DIR], 'hello.proto');

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const stream = new Stream(client, 'hello.HelloService/LotsOfGreetings');
  stream.on('data', (m) => {
    console.log('summary ' + m.reply + ' count ' + m.count);
    check(m, { 'three greetings counted': (x) => x.count === 3 });
  });
  stream.on('end', () => {
    client.close();
    console.log('all done');
  });
  for (const g of ['ann', 'bob', 'cy']) stream.write({ greeting: g });
  stream.end();
  sleep(0.3);
};
