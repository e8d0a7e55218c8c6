// TLS without a CA: insecureSkipTLSVerify lets the connection through.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { PROTO_DIR } from './lib.js';

export const options = { iterations: 1, insecureSkipTLSVerify: true };

const client = new grpc.Client();
client.load([PROTO_DIR], 'hello.proto');

export default () => {
  client.connect(__ENV.GRPC_TLS_ADDR, {});
  const r = client.invoke('hello.HelloService/SayHello', { greeting: 'skip' });
  check(r, { 'OK without verification': (x) => x.status === grpc.StatusOK });
  client.close();
};
