// Adapted from grafana/k6 internal/cmd/testdata/abort_teardown.js at v1.1.0: no changes
import exec from 'k6/execution';

export default function () {
    exec.test.abort();
}

export function teardown() {
    console.log('Calling teardown function after test.abort()');
}
