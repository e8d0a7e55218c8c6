// A typed API: nested messages, enums (by name and number), int64/uint64 (strings and
// numbers), repeated fields, maps, bytes, oneof, Timestamp, Duration, Struct and wrappers,
// sent and decoded; a server stream of tokens.
import grpc from 'k6/net/grpc';
import encoding from 'k6/encoding';
import { check, sleep } from 'k6';
import { canon, PROTO_DIR } from './lib.js';

export const options = { iterations: 1 };

const client = new grpc.Client();
client.load([PROTO_DIR], 'inference.proto');

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true });
  const req = {
    model: 'tiny-llm',
    inputs: [{ name: 'x', shape: [1, 3], values: [0.5, 1.25, -2], precision: 'FP16' }, { name: 'y', shape: ['2'], values: [3] }],
    labels: { team: 'perf', env: 'ci' },
    request_id: '9007199254740993',
    seed: '18446744073709551615',
    not_after: '2026-01-02T03:04:05.5Z',
    budget: '2.25s',
    parameters: { stop: ['\n'], nested: { a: 1, b: true, c: null }, temperature: 0.7 },
    sampling: { temperature: 0.25, top_k: 40, top_p: 0.9 },
    precision: 2,
    salt: encoding.b64encode('salt!'),
    max_tokens: 5,
    text: 'tell me a joke',
  };
  const res = client.invoke('inference.v1.Inference/Predict', req);
  check(res, {
    'predict OK': (r) => r.status === grpc.StatusOK,
    'int64 back as string': (r) => r.message.requestId === '9007199254740993',
    'enum back by name': (r) => r.message.precision === 'FP32',
    'timestamp summed': (r) => r.message.finishedAt === '2026-01-02T03:04:07.750Z',
  });
  console.log('predict ' + canon(res.message));
  const empty = client.invoke('inference.v1.Inference/Predict', {});
  console.log('empty ' + canon(empty.message));
  const tokens = [];
  const stream = new grpc.Stream(client, 'inference.v1.Inference/Generate');
  stream.on('data', (t) => tokens.push(canon(t)));
  stream.on('end', () => console.log('tokens ' + tokens.join(' ')));
  stream.write({ max_tokens: 3 });
  stream.end();
  sleep(0.3);
  client.close();
};
