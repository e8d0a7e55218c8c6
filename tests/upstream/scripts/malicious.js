// Adapted from grafana/k6 examples/malicious.js at v1.1.0: added options (constant-vus 1 VU 2s, gracefulStop 1s) so the endless loop is interrupted after ~3s instead of 10m30s
export const options = {
	scenarios: { default: { executor: 'constant-vus', vus: 1, duration: '2s', gracefulStop: '1s' } },
};

export default function() {
	while (true) {
		// do nothing, forever!!
	}
}
