// Adapted from grafana/k6 internal/cmd/testdata/abort_initerr.js at v1.1.0: no changes
import exec from 'k6/execution';
exec.test.abort();
