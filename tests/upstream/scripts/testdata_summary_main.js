// Adapted from grafana/k6 internal/cmd/testdata/summary/main.js at v1.1.0: browser scenario (and its import) removed (needs Chromium); imports renamed to testdata_summary_{api,grpc,ws}.js
export {apiTest} from './testdata_summary_api.js';
export {grpcTest} from './testdata_summary_grpc.js';
export {wsTest} from './testdata_summary_ws.js';

export const options = {
	thresholds: {
		'http_reqs': ['count<10', 'rate>2'],
		'http_reqs{group: ::auth}': ['count>1'],
		'http_reqs{scenario: api}': ['count>1'],
		'http_reqs{scenario: api, group: ::auth}': ['count<5'],
		'http_req_duration{group: ::auth}': ['p(95)<200', 'avg<100'],
	},
	scenarios: {
		api: {
			executor: 'per-vu-iterations',
			vus: 1,
			iterations: 1,
			exec: 'apiTest',
		},
		grpc: {
			executor: 'shared-iterations',
			exec: 'grpcTest',
		},
		ws: {
			executor: 'shared-iterations',
			exec: 'wsTest',
		},
	},
}
