// A server error with google.rpc.Status details (ErrorInfo, BadRequest) in
// grpc-status-details-bin: the response's status, error object and message.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { canon, names, PROTO_DIR } from './lib.js';

export const options = { iterations: 1 };

const client = new grpc.Client();
client.load([PROTO_DIR], 'hello.proto');

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const res = client.invoke('hello.HelloService/Fail', { greeting: 'rejected' });
  check(res, {
    'InvalidArgument': (r) => r.status === grpc.StatusInvalidArgument,
    'error message': (r) => r.error && r.error.message === 'rejected',
  });
  console.log('status ' + res.status + ' error ' + canon(res.error) + ' message ' + canon(res.message));
  console.log('trailers ' + names(res.trailers));
  const other = client.invoke('hello.HelloService/Fail', { greeting: 'nope', count: grpc.StatusPermissionDenied });
  check(other, { 'PermissionDenied': (r) => r.status === grpc.StatusPermissionDenied });
  client.close();
};
