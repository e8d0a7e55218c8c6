// TLS: the server's certificate verified against the test's CA (tls.cacerts), a client
// certificate for the port that requires one, the same port without one, and a server
// certificate no CA vouches for. GRPC_CERTS is the directory of the PEM files.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { errorText, PROTO_DIR } from './lib.js';

export const options = { iterations: 1 };

const client = new grpc.Client();
client.load([PROTO_DIR], 'hello.proto');
const dir = __ENV.GRPC_CERTS;
const ca = open(`${dir}/ca.pem`);
const cert = open(`${dir}/client.pem`);
const key = open(`${dir}/client.key`);

function hello(label) {
  const r = client.invoke('hello.HelloService/SayHello', { greeting: label });
  check(r, { [`${label} OK`]: (x) => x.status === grpc.StatusOK });
  client.close();
}

function failing(label, addr, params) {
  try {
    client.connect(addr, params);
    const r = client.invoke('hello.HelloService/SayHello', { greeting: label });
    console.log(`${label}: connected, status ${r.status}`);
    client.close();
  } catch (e) {
    console.log(`${label} failed: ${errorText(e)}`);
    check(e, { [`${label} refused`]: () => true });
  }
}

export default () => {
  client.connect(__ENV.GRPC_TLS_ADDR, { tls: { cacerts: [ca] } });
  hello('tls with cacerts');
  client.connect(__ENV.GRPC_MTLS_ADDR, { tls: { cacerts: ca, cert, key } });
  hello('mtls with client cert');
  failing('mtls without client cert', __ENV.GRPC_MTLS_ADDR, { tls: { cacerts: ca }, timeout: '3s' });
  failing('unknown authority', __ENV.GRPC_TLS_ADDR, { timeout: '3s' });
  failing('plaintext to tls port', __ENV.GRPC_TLS_ADDR, { plaintext: true, timeout: '2s' });
};
