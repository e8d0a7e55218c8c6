#!/usr/bin/env python3
"""RouteGuide / FeatureExplorer gRPC server (package `main`) for tests/upstream.

Stands in for k6's Go server (examples/grpc_server) so that the grpc_* examples can
run. Behaviour follows the classic gRPC route_guide tutorial; artificial delays are
shortened: GetFeature does not sleep (Go sleeps rand(0..1s)), ListFeatures sleeps
10 ms per feature (Go: 100 ms). Server reflection is enabled.

route_guide_db.json is the feature list embedded in grafana/k6
internal/lib/testutils/grpcservice/service.go (exampleData, originally grpc-go's
testdata/route_guide_db.json, Apache-2.0); ../scripts/route_guide.proto is k6's
internal/lib/testutils/grpcservice/route_guide.proto (Apache-2.0, gRPC authors).

Needs: pip install grpcio grpcio-tools grpcio-reflection
Usage: python3 grpc_route_guide.py PORT
"""
import json, math, os, sys, tempfile, time
from concurrent import futures

import grpc
from grpc_tools import protoc
from grpc_reflection.v1alpha import reflection

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.path.join(HERE, "..", "scripts")
gen = tempfile.mkdtemp(prefix="rg_")
if protoc.main(["protoc", "-I" + PROTO_DIR, "--python_out=" + gen, "--grpc_python_out=" + gen, "route_guide.proto"]) != 0:
    sys.exit("protoc failed")
sys.path.insert(0, gen)
import route_guide_pb2 as pb  # noqa: E402
import route_guide_pb2_grpc as pbg  # noqa: E402

FEATURES = [pb.Feature(name=f["name"], location=pb.Point(latitude=f["location"]["latitude"], longitude=f["location"]["longitude"]))
            for f in json.load(open(os.path.join(HERE, "route_guide_db.json")))]

def same(a, b):
    return a.latitude == b.latitude and a.longitude == b.longitude

def distance(p1, p2):
    f = 1e7
    lat1, lat2 = math.radians(p1.latitude / f), math.radians(p2.latitude / f)
    dlat = lat2 - lat1
    dlng = math.radians(p2.longitude / f) - math.radians(p1.longitude / f)
    a = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return int(6371000 * 2 * math.atan2(math.sqrt(a), math.sqrt(1 - a)))

class Explorer(pbg.FeatureExplorerServicer):
    def GetFeature(self, point, ctx):
        for f in FEATURES:
            if same(f.location, point):
                return f
        return pb.Feature(location=point)

    def ListFeatures(self, rect, ctx):
        left, right = sorted((rect.lo.longitude, rect.hi.longitude))
        bottom, top = sorted((rect.lo.latitude, rect.hi.latitude))
        for f in FEATURES:
            if left <= f.location.longitude <= right and bottom <= f.location.latitude <= top:
                time.sleep(0.01)
                yield f

class Guide(pbg.RouteGuideServicer):
    def __init__(self):
        self.notes = {}

    def RecordRoute(self, it, ctx):
        count = feats = dist = 0
        last = None
        start = time.time()
        for p in it:
            count += 1
            feats += sum(1 for f in FEATURES if same(f.location, p))
            if last is not None:
                dist += distance(last, p)
            last = p
        return pb.RouteSummary(point_count=count, feature_count=feats, distance=dist, elapsed_time=int(time.time() - start))

    def RouteChat(self, it, ctx):
        for n in it:
            key = (n.location.latitude, n.location.longitude)
            self.notes.setdefault(key, []).append(n)
            for prev in list(self.notes[key]):
                yield prev

def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32))
    pbg.add_FeatureExplorerServicer_to_server(Explorer(), server)
    pbg.add_RouteGuideServicer_to_server(Guide(), server)
    names = (pb.DESCRIPTOR.services_by_name["FeatureExplorer"].full_name,
             pb.DESCRIPTOR.services_by_name["RouteGuide"].full_name, reflection.SERVICE_NAME)
    reflection.enable_server_reflection(names, server)
    server.add_insecure_port("127.0.0.1:%s" % sys.argv[1])
    server.start()
    print("gRPC RouteGuide listening on 127.0.0.1:%s" % sys.argv[1], flush=True)
    server.wait_for_termination()

if __name__ == "__main__":
    main()
