// asyncInvoke: three calls in flight at once from an async default function, awaited
// together; a rejected promise for a method the descriptors lack.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { PROTO_DIR } from './lib.js';

export const options = { iterations: 2, vus: 1 };

const client = new grpc.Client();
client.load([PROTO_DIR], 'hello.proto');

export default async () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const calls = ['a', 'b', 'c'].map((g) =>
    client.asyncInvoke('hello.HelloService/Sleep', { greeting: g, delay_ms: 50 }));
  const all = await Promise.all(calls);
  check(all, {
    'all OK': (rs) => rs.every((r) => r.status === grpc.StatusOK),
    'in order': (rs) => rs.map((r) => r.message.reply).join() === 'hello a,hello b,hello c',
  });
  try {
    await client.asyncInvoke('hello.HelloService/Missing', {});
  } catch (e) {
    console.log('rejected: ' + String(e));
  }
  client.close();
};
