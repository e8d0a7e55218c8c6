// k6/encoding and k6/crypto: every digest, encoding and the incremental hashers, printed as
// one JSON line so both tools can be compared exactly (randomBytes only by length).
import encoding from 'k6/encoding';
import crypto from 'k6/crypto';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const out = {
    std: encoding.b64encode('hello, world?>'), rawstd: encoding.b64encode('hello, world?>', 'rawstd'),
    url: encoding.b64encode('hello, world?>', 'url'), rawurl: encoding.b64encode('hello, world?>', 'rawurl'),
    dec: encoding.b64decode('aGVsbG8sIHdvcmxkPz4=', 'std', 's'),
    decbuf: encoding.b64decode('aGVsbG8=').byteLength,
    md4: crypto.md4('hello', 'hex'), md5: crypto.md5('hello', 'hex'), sha1: crypto.sha1('hello', 'base64'),
    sha256: crypto.sha256('hello', 'hex'), sha384: crypto.sha384('hello', 'base64url'), sha512: crypto.sha512('hello', 'base64rawurl'),
    sha512_224: crypto.sha512_224('hello', 'hex'), sha512_256: crypto.sha512_256('hello', 'hex'), ripemd160: crypto.ripemd160('hello', 'hex'),
    hmac: crypto.hmac('sha256', 'secret', 'hello', 'hex'), bin: crypto.sha256('hello', 'binary').byteLength,
    inc: (() => { const h = crypto.createHash('sha1'); h.update('hel'); h.update('lo'); return h.digest('hex'); })(),
    hmacinc: (() => { const h = crypto.createHMAC('sha512', 'k'); h.update('a'); h.update('b'); return h.digest('base64'); })(),
    hexenc: crypto.hexEncode(encoding.b64decode('AAEC/w==')), rnd: crypto.randomBytes(16).byteLength,
  };
  console.log(JSON.stringify(out));
}
