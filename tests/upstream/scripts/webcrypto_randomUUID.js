// Adapted from grafana/k6 examples/webcrypto/randomUUID.js at v1.1.0: no changes
export default function () {
  const myUUID = crypto.randomUUID();

  console.log(myUUID);
}
