// A method the descriptors know but the server does not serve: status Unimplemented,
// the server's error object; the call itself does not throw.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { canon } from './lib.js';

export const options = { iterations: 1 };

const client = new grpc.Client();
client.load(['bad'], 'ghost.proto');

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const res = client.invoke('hello.Ghost/Haunt', { text: 'boo' });
  check(res, { 'Unimplemented': (r) => r.status === grpc.StatusUnimplemented });
  console.log('status ' + res.status + ' error ' + canon(res.error) + ' message ' + canon(res.message));
  client.close();
};
