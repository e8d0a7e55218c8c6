// Bad input: connect() in the init context, which k6 refuses.
import grpc from 'k6/net/grpc';

const client = new grpc.Client();
client.connect(__ENV.GRPC_ADDR, { plaintext: true });

export default () => {};
