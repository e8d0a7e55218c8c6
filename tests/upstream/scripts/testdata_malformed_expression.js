// Adapted from grafana/k6 internal/cmd/testdata/thresholds/malformed_expression.js at v1.1.0: no changes
export const options = {
	thresholds: {
		http_reqs: ["foo&0"], // Counter
	},
};

export default function () {
	console.log(
		"asserting that a malformed threshold fails with exit code 104 (Invalid config)"
	);
}
