// Unary calls: adapted from k6's examples/grpc_invoke.js to the local hello service
// (tests/servers/grpc/hello.proto), three iterations, with user tags and a `name` tag.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { canon, names, PROTO_DIR } from './lib.js';

export const options = { iterations: 3, vus: 1 };

const client = new grpc.Client();
const methods = client.load([PROTO_DIR], 'hello.proto');

export default () => {
  if (__ITER === 0) console.log('loaded ' + canon(methods));
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const res = client.invoke('hello.HelloService/SayHello', { greeting: 'k6' }, { tags: { flavour: 'plain' } });
  check(res, {
    'status is OK': (r) => r && r.status === grpc.StatusOK,
    'reply is hello k6': (r) => r && r.message.reply === 'hello k6',
  });
  console.log('message ' + canon(res.message));
  console.log('error ' + canon(res.error) + ' headers ' + names(res.headers) + ' trailers ' + names(res.trailers));
  const named = client.invoke('/hello.HelloService/SayHello', { greeting: 'named' }, { tags: { name: 'greet' } });
  check(named, { 'named call OK': (r) => r.status === grpc.StatusOK });
  client.close();
};
