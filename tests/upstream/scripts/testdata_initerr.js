// Adapted from grafana/k6 internal/cmd/testdata/initerr.js at v1.1.0: no changes
someUndefinedVar
