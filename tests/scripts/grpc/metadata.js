// Metadata: request metadata (text and -bin) reaches the server; its headers and trailers
// come back in the response; reflectMetadata on connect.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { canon, PROTO_DIR } from './lib.js';

export const options = { iterations: 1 };

const client = new grpc.Client();
client.load([PROTO_DIR], 'hello.proto');

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const bin = new Uint8Array([1, 2, 255]);
  const res = client.invoke('hello.HelloService/EchoMetadata', { greeting: 'md' }, {
    metadata: { 'x-token': 'secret', 'x-trace-bin': bin, 'x-Mixed-Case': 'Up' },
  });
  check(res, {
    'status OK': (r) => r.status === grpc.StatusOK,
    'server saw the token': (r) => r.message.reply.includes('x-token=secret'),
    'header x-server': (r) => r.headers['x-server'] && r.headers['x-server'][0] === 'grpc-test',
    'trailer x-trailer': (r) => r.trailers['x-trailer'] && r.trailers['x-trailer'][0] === 'done',
  });
  console.log('reply ' + JSON.stringify(res.message.reply));
  const h = {};
  for (const k of Object.keys(res.headers)) if (k.startsWith('x-')) h[k] = res.headers[k];
  console.log('x-headers ' + canon(h) + ' trailers ' + canon(res.trailers));
  try {
    client.invoke('hello.HelloService/EchoMetadata', {}, { metadata: { 'x-num': 5 } });
  } catch (e) {
    console.log('bad metadata: ' + e.message);
  }
  try {
    client.invoke('hello.HelloService/EchoMetadata', {}, { metadata: { 'x-str-bin': 'text' } });
  } catch (e) {
    console.log('bad binary metadata: ' + e.message);
  }
  try {
    client.invoke('hello.HelloService/EchoMetadata', {}, { metadata: { 'x-buffer-bin': bin.buffer } });
    console.log('ArrayBuffer metadata accepted');
  } catch (e) {
    console.log('ArrayBuffer metadata: ' + e.message);
  }
  client.close();
  client.connect(__ENV.GRPC_ADDR, { plaintext: true, reflect: true, reflectMetadata: { 'x-reflect': 'yes' } });
  check(client.invoke('hello.HelloService/SayHello', { greeting: 'r' }), { 'after reflectMetadata': (r) => r.status === grpc.StatusOK });
};
