// Adapted from grafana/k6 examples/webcrypto/generateKey/generateKey-hmac.js at v1.1.0: no changes
export default async function () {
  const key = await crypto.subtle.generateKey(
    {
      name: "HMAC",
      hash: { name: "SHA-512" },
      length: 256,
    },
    true,
    ["sign", "verify"]
  );

  console.log(JSON.stringify(key));
}
