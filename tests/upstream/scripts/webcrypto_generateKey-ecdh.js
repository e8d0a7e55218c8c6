// Adapted from grafana/k6 examples/webcrypto/generateKey/generateKey-ecdh.js at v1.1.0: no changes
export default async function () {
  const key = await crypto.subtle.generateKey(
    {
      name: "ECDH",
      namedCurve: "P-256",
    },
    true,
    ["deriveKey", "deriveBits"]
  );

  console.log(JSON.stringify(key));
}
