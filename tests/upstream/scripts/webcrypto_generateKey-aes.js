// Adapted from grafana/k6 examples/webcrypto/generateKey/generateKey-aes.js at v1.1.0: no changes
export default async function () {
  const key = await crypto.subtle.generateKey(
    {
      name: "AES-CBC",
      length: 256,
    },
    true,
    ["encrypt", "decrypt"]
  );

  console.log(JSON.stringify(key));
}
