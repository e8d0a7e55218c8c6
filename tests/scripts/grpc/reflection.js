// Server reflection: adapted from k6's examples/grpc_reflection.js; no .proto loaded, the
// descriptors come from the server (both services, well-known types included).
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { canon } from './lib.js';

export const options = { iterations: 1 };

const client = new grpc.Client();

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true, reflect: true });
  const hello = client.invoke('hello.HelloService/SayHello', { greeting: 'reflected' });
  check(hello, { 'reflected hello OK': (r) => r && r.status === grpc.StatusOK });
  console.log('hello ' + canon(hello.message));
  const predict = client.invoke('inference.v1.Inference/Predict', {
    model: 'm', request_id: 7, budget: '1.5s', precision: 'INT8',
  });
  check(predict, { 'reflected predict OK': (r) => r && r.status === grpc.StatusOK });
  console.log('predict ' + canon(predict.message));
  client.close();
};
