// Adapted from grafana/k6 examples/webcrypto/getRandomValues.js at v1.1.0: no changes
export default function () {
  const array = new Uint32Array(10);
  crypto.getRandomValues(array);

  for (const num of array) {
    console.log(num);
  }
}
