// Bad input: connecting to a port nobody listens on (GRPC_CLOSED_ADDR), caught and
// uncaught, and connect() in the init context.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import { errorText } from './lib.js';

export const options = { iterations: 1 };

const client = new grpc.Client();

export default () => {
  try {
    client.connect(__ENV.GRPC_CLOSED_ADDR, { plaintext: true, timeout: '5s' });
    console.log('connected?');
  } catch (e) {
    console.log('refused: ' + errorText(e));
    check(e, { 'connect threw': () => true });
  }
  client.connect(__ENV.GRPC_CLOSED_ADDR, { plaintext: true, timeout: '5s' });
};
