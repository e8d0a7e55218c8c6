// Adapted from grafana/k6 internal/cmd/testdata/fail.js at v1.1.0: no changes
import exec from "k6/execution";

export default function () {
	exec.test.fail();
}
