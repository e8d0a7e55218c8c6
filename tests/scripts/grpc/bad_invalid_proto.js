// Bad input: a .proto file that does not parse (bad/invalid.proto).
import grpc from 'k6/net/grpc';

const client = new grpc.Client();
client.load(['bad'], 'invalid.proto');

export default () => {};
