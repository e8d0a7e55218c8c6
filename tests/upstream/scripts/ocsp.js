// Adapted from grafana/k6 examples/ocsp.js at v1.1.0: stackoverflow.com -> HTTPBIN_TLS/get (self-signed, no OCSP stapling, so the check fails in both); added insecureSkipTLSVerify
import http from "k6/http";
import { check } from "k6";

export const options = { insecureSkipTLSVerify: true };

export default function() {
    let res = http.get(__ENV.HTTPBIN_TLS + "/get");
    check(res, {
        "is OCSP response good": (r) => r.ocsp.status === http.OCSP_STATUS_GOOD
    });
};
