// Adapted from grafana/k6 internal/cmd/testdata/summary/grpc.js at v1.1.0: GRPC_PROTO_PATH default -> ./route_guide.proto; GRPC_ADDR from the environment (servers/grpc_route_guide.py)
import grpc from 'k6/net/grpc';
import {check} from 'k6'

const GRPC_ADDR = __ENV.GRPC_ADDR || '127.0.0.1:10000';
const GRPC_PROTO_PATH = __ENV.GRPC_PROTO_PATH || './route_guide.proto';

let client = new grpc.Client();

client.load([], GRPC_PROTO_PATH);

export function grpcTest() {
	client.connect(GRPC_ADDR, {plaintext: true});

	const response = client.invoke("main.FeatureExplorer/GetFeature", {
		latitude: 410248224,
		longitude: -747127767
	})

	check(response, {"gRPCC status is OK": (r) => r && r.status === grpc.StatusOK});
	console.log(JSON.stringify(response.message))

	client.close()
}