// The status constants k6/net/grpc exports: in k6 v1.1 each is a Go value (typeof
// "object") that reads as its number (Number(), ==, JSON) and as its name (String()).
import grpc from 'k6/net/grpc';

export const options = { iterations: 1 };

const NAMES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound',
  'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted',
  'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

export default () => {
  console.log('numbers ' + NAMES.map((n) => Number(grpc['Status' + n])).join(','));
  console.log('loose equality ' + NAMES.every((n, i) => grpc['Status' + n] == i));
  console.log('json ' + JSON.stringify(NAMES.map((n) => grpc['Status' + n])));
  console.log('strings ' + NAMES.map((n) => String(grpc['Status' + n])).join(','));
  console.log('typeof ' + typeof grpc.StatusOK + ' strict ' + (grpc.StatusOK === 0));
};
