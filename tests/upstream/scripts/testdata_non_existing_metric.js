// Adapted from grafana/k6 internal/cmd/testdata/thresholds/non_existing_metric.js at v1.1.0: no changes
export const options = {
	thresholds: {
		// non existing is neither registered, nor a builtin metric.
		// k6 should catch that.
		"non existing": ["rate>0"],
	},
};

export default function () {
	console.log(
		"asserting that a threshold over a non-existing metric fails with exit code 104 (Invalid config)"
	);
}
