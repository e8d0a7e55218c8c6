// Adapted from grafana/k6 internal/cmd/testdata/invalidconfig/invalid_option.js at v1.1.0: no changes
export const options = {
    vus: 'this is an invalid type',
}

export default function () {}
