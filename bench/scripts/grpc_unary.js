// Unary gRPC in a closed loop: VUS VUs (default 20), each connecting once and then calling
// hello.HelloService/SayHello as fast as answers come, for SECONDS (default 10).
import grpc from 'k6/net/grpc';
import { check } from 'k6';

export const options = {
  vus: Number(__ENV.VUS || 20),
  duration: `${__ENV.SECONDS || 10}s`,
};

const client = new grpc.Client();
client.load([__ENV.PROTO_DIR], 'hello.proto');
let connected = false;

export default () => {
  if (!connected) {
    client.connect(__ENV.GRPC_ADDR, { plaintext: true });
    connected = true;
  }
  const res = client.invoke('hello.HelloService/SayHello', { greeting: 'bench' });
  check(res, { 'status OK': (r) => r && r.status === grpc.StatusOK });
}
