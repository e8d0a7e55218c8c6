// Adapted from grafana/k6 examples/secrets/secrets.test.js at v1.1.0: no changes; secret source file copied to scripts/file.secret (args are relative to tests/upstream)
// k6 run --secret-source=file=file.secret secrets.test.js
import secrets from "k6/secrets";

export default async () => {
	const my_secret = await secrets.get("cool"); // get secret from a source with the provided identifier
	console.log(my_secret);
	await secrets.get("else"); // get secret from a source with the provided identifier
	console.log(my_secret);
}
