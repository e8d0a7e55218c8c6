// Adapted from grafana/k6 examples/es6sample.js at v1.1.0: httpbin.org -> __ENV.HTTPBIN; quickpizza test.k6.io page -> HTTPBIN/html with selector p.description -> h1 and text 'Herman Melville'; sleep 10*rand -> 1*rand
import { group, check, sleep } from "k6";
import { Counter, Rate } from "k6/metrics";
import http from "k6/http";

export let options = {
	thresholds: {
		my_rate: ["rate>=0.4"], // Require my_rate's success rate to be >=40%
		http_req_duration: ["avg<1000"], // Require http_req_duration's average to be <1000ms
	}
};

let mCounter = new Counter("my_counter");
let mRate = new Rate("my_rate");

export default function() {
	check(Math.random(), {
		"top-level test": (v) => v < 1/3
	});
	group("my group", function() {
		mCounter.add(1, { tag: "test" });

		check(Math.random(), {
			"random value is < 0.5": (v) => mRate.add(v < 0.5),
		});

		group("json", function() {
			let res = http.get(__ENV.HTTPBIN + "/get", {
				headers: { "X-Test": "abc123" },
			});

			check(res, {
				"status is 200": (res) => res.status === 200,
				"X-Test header is correct": (res) => res.json().headers['X-Test'] === "abc123",
			});
		});

		group("html", function() {
			const res = http.get(__ENV.HTTPBIN + "/html")
			console.log(res.html("h1").text())
			check(res, {
				"status is 200": (res) => res.status === 200,
				"content type is html": (res) => res.headers['Content-Type'].startsWith("text/html"),
				"welcome message is correct": (res) => res.html("h1").text().includes("Herman Melville"),
			});
		});

		group("nested", function() {
			check(null, {
				"always passes": true,
				"always fails": false,
			});
		});
	});
	sleep(1 * Math.random());
};
