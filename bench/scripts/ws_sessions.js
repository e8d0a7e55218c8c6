// 1,000 concurrent k6/ws sessions (by default), each sending a message every 100 ms to an
// echo server for 20 s, then closing.
import ws from 'k6/ws';
import { check } from 'k6';

const VUS = Number(__ENV.VUS || 1000);
const SECONDS = Number(__ENV.SECONDS || 20);

export const options = {
  scenarios: {
    sessions: { executor: 'per-vu-iterations', vus: VUS, iterations: 1, maxDuration: `${SECONDS + 30}s` },
  },
};

export default function () {
  const res = ws.connect(__ENV.WS_URL, {}, (socket) => {
    socket.on('open', () => socket.setInterval(() => socket.send('ping from k6'), 100));
    socket.setTimeout(() => socket.close(), SECONDS * 1000);
  });
  check(res, { 'status 101': (r) => r && r.status === 101 });
}
