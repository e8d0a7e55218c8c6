// Adapted from grafana/k6 internal/cmd/testdata/summary/main.js at v1.1.0: browser and grpc scenarios (and their imports) removed, so runtimes without k6/net/grpc still exercise the api+ws scenarios and the submetric thresholds
export {apiTest} from './testdata_summary_api.js';
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
		ws: {
			executor: 'shared-iterations',
			exec: 'wsTest',
		},
	},
}
