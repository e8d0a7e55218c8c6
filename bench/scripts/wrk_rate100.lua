-- wrk has no rate option: with one connection, waiting 10 ms before each request holds it
-- near 100 requests/s, the rate rk6 and k6 run at in the latency row (bench/run.sh, 6).
-- wrk starts its clock when it writes the request, so the wait is not in the latency.
function delay()
  return 10
end
