// Adapted from grafana/k6 examples/thresholds_readme_example.js at v1.1.0: stages 50 VUs 1m/3m30s/30s -> 10 VUs 1s/2s/1s; test.k6.io page -> HTTPBIN/html ('Herman Melville'); static assets -> HTTPBIN /robots.txt, /image/png, /json; sleep 2-5s -> 0.2-0.5s. The 'http2 is used' check always fails, so check_failure_rate abortOnFail aborts the test (exit 99)
import http from "k6/http";
import { check, group, sleep } from "k6";
import { Rate } from "k6/metrics";

// A custom metric to track failure rates
var failureRate = new Rate("check_failure_rate");

// Options
export let options = {
    stages: [
        // Linearly ramp up from 1 to 50 VUs during first minute
        { target: 10, duration: "1s" },
        // Hold at 50 VUs for the next 3 minutes and 30 seconds
        { target: 10, duration: "2s" },
        // Linearly ramp down from 50 to 0 50 VUs over the last 30 seconds
        { target: 0, duration: "1s" }
        // Total execution time will be ~5 minutes
    ],
    thresholds: {
        // We want the 95th percentile of all HTTP request durations to be less than 500ms
        "http_req_duration": ["p(95)<750"],
        // Requests with the staticAsset tag should finish even faster
        "http_req_duration{staticAsset:yes}": ["p(99)<500"],
        // Thresholds based on the custom metric we defined and use to track application failures
        "check_failure_rate": [
            // Global failure rate should be less than 1%
            "rate<0.01",
            // Abort the test early if it climbs over 5%
            { threshold: "rate<=0.05", abortOnFail: true },
        ],
    },
};

// Main function
export default function () {
    let response = http.get(__ENV.HTTPBIN + "/html");

    // check() returns false if any of the specified conditions fail
    let checkRes = check(response, {
        "http2 is used": (r) => r.proto === "HTTP/2.0",
        "status is 200": (r) => r.status === 200,
        "content is present": (r) => r.body.indexOf("Herman Melville") !== -1,
    });

    // We reverse the check() result since we want to count the failures
    failureRate.add(!checkRes);

    // Load static assets, all requests
    group("Static Assets", function () {
        // Execute multiple requests in parallel like a browser, to fetch some static resources
        let resps = http.batch([
            ["GET", __ENV.HTTPBIN + "/robots.txt", null, { tags: { staticAsset: "yes" } }],
            ["GET", __ENV.HTTPBIN + "/image/png", null, { tags: { staticAsset: "yes" } }],
            ["GET", __ENV.HTTPBIN + "/json", null, { tags: { staticAsset: "yes" } }],
        ]);
        // Combine check() call with failure tracking
        failureRate.add(!check(resps, {
            "status is 200": (r) => r[0].status === 200 && r[1].status === 200,
            "reused connection": (r) => r[0].timings.connecting == 0,
        }));
    });

    sleep(Math.random() * 0.3 + 0.2); // Random sleep between 2s and 5s
}
