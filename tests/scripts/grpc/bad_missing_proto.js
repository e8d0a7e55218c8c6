// Bad input: a .proto file that does not exist, loaded in the init context.
import grpc from 'k6/net/grpc';

const client = new grpc.Client();
client.load(['bad'], 'missing.proto');

export default () => {};
