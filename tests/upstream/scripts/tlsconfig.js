// Adapted from grafana/k6 examples/tlsconfig.js at v1.1.0: sha256.badssl.com -> HTTPBIN_TLS/get (self-signed; server offers AES128-GCM-SHA256); added insecureSkipTLSVerify
import http from "k6/http";
import { check } from "k6";

export let options = {
    tlsCipherSuites: [
        "TLS_RSA_WITH_RC4_128_SHA",
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
    ],
    insecureSkipTLSVerify: true,
    tlsVersion: {
        min: "tls1.0",
        max: "tls1.2"
    }
};

export default function() {
    let res = http.get(__ENV.HTTPBIN_TLS + "/get");
    check(res, {
        "is TLSv1.2": (r) => r.tls_version === http.TLS_1_2,
        "is sha256 cipher suite": (r) => r.tls_cipher_suite === "TLS_RSA_WITH_AES_128_GCM_SHA256"
    });
};
