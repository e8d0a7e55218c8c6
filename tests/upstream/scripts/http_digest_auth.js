// Adapted from grafana/k6 examples/http_digest_auth.js at v1.1.0: httpbin.org -> __ENV.HTTPBIN (credentials kept in the URL)
import http from "k6/http";
import { check } from "k6";

export default function() {
    // Passing username and password as part of URL plus the auth option will authenticate using HTTP Digest authentication
    let res = http.get(__ENV.HTTPBIN.replace("://", "://user:passwd@") + "/digest-auth/auth/user/passwd", {auth: "digest"});

    // Verify response
    check(res, {
        "status is 200": (r) => r.status === 200,
        "is authenticated": (r) => r.json().authenticated === true,
        "is correct user": (r) => r.json().user === "user"
    });
}
