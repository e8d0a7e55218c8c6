// Bad input: request objects whose values do not fit the message's field types, and
// fields the message does not have; each invoke throws.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { errorText, PROTO_DIR } from './lib.js';

export const options = { iterations: 1 };

const client = new grpc.Client();
client.load([PROTO_DIR], 'hello.proto', 'inference.proto');

function attempt(label, method, req) {
  try {
    const r = client.invoke(method, req);
    console.log(label + ': status ' + r.status);
  } catch (e) {
    console.log(label + ': ' + errorText(e));
  }
}

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  attempt('number for string', 'hello.HelloService/SayHello', { greeting: 123 });
  attempt('string for int32', 'hello.HelloService/SayHello', { count: 'many' });
  attempt('unknown field', 'hello.HelloService/SayHello', { nope: 1 });
  attempt('fraction for int32', 'hello.HelloService/SayHello', { count: 1.5 });
  attempt('int32 overflow', 'hello.HelloService/SayHello', { count: 4294967296 });
  attempt('object for string', 'hello.HelloService/SayHello', { greeting: { a: 1 } });
  attempt('unknown enum name', 'inference.v1.Inference/Predict', { precision: 'FP64' });
  attempt('bad timestamp', 'inference.v1.Inference/Predict', { not_after: 'yesterday' });
  attempt('bad duration', 'inference.v1.Inference/Predict', { budget: '5 minutes' });
  attempt('bad bytes', 'inference.v1.Inference/Predict', { salt: '***' });
  attempt('array for map', 'inference.v1.Inference/Predict', { labels: ['a'] });
  attempt('null request', 'hello.HelloService/SayHello', null);
  check(null, { 'still running': () => true });
  client.close();
};
