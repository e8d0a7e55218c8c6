// Bad input: methods the loaded descriptors do not have, an empty method, a call before
// connect, a stream of an unknown method; each throws and the iteration goes on (caught),
// the last one uncaught ends its iteration with an error line.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { errorText, PROTO_DIR } from './lib.js';

export const options = { iterations: 1 };

const client = new grpc.Client();
client.load([PROTO_DIR], 'hello.proto');

function attempt(label, fn) {
  try {
    fn();
    console.log(label + ': no error');
  } catch (e) {
    console.log(label + ': ' + errorText(e));
  }
}

export default () => {
  attempt('before connect', () => client.invoke('hello.HelloService/SayHello', {}));
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  attempt('unknown method', () => client.invoke('hello.HelloService/Nope', {}));
  attempt('unknown service', () => client.invoke('nope.Service/SayHello', {}));
  attempt('empty method', () => client.invoke('', {}));
  attempt('stream of unknown method', () => new grpc.Stream(client, 'hello.HelloService/Nope'));
  attempt('unknown param', () => client.invoke('hello.HelloService/SayHello', {}, { bogus: 1 }));
  attempt('bad connect param', () => client.connect(__ENV.GRPC_ADDR, { plaintext: 'yes' }));
  check(null, { 'still running': () => true });
  client.invoke('hello.HelloService/AlsoNope', {});
};
