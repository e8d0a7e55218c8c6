// Adapted from grafana/k6 internal/cmd/testdata/abort_initvu.js at v1.1.0: no changes
import exec from 'k6/execution';

// This won't fail on initial parsing of the script, but on VU initialization.
if (__VU == 1) {
  exec.test.abort();
}

export default function() {}
