# Sourced by the bench scripts: a throw-away nginx on 127.0.0.1 as the load target.
#
#   start_nginx WORK PORT CONNECTIONS RESULTS RAW URL SERVER_BLOCK
#
# writes WORK/nginx.conf (one worker, no access log, keep-alive without a request limit,
# CONNECTIONS worker connections; SERVER_BLOCK is the body of its `server { listen …; }`),
# copies it to RESULTS, starts nginx in the foreground of a background job with its output
# in RAW/nginx.stdout, and waits until URL answers. Sets SERVER_MASTER and SERVER_PID (the
# worker, whose CPU the scripts report). Needs NGINX, the nginx binary.
start_nginx() {
  local work="$1" port="$2" conns="$3" results="$4" raw="$5" url="$6" server_block="$7"
  mkdir -p "$work"/{html,logs,tmp}
  cat > "$work/nginx.conf" <<NGX
worker_processes 1;
worker_rlimit_nofile 20000;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
daemon off;
events { worker_connections $conns; }
http {
    access_log off;
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port;
$server_block
    }
}
NGX
  cp "$work/nginx.conf" "$results/nginx.conf"
  "$NGINX" -c "$work/nginx.conf" -p "$work/" -e "$work/logs/error.log" > "$raw/nginx.stdout" 2>&1 &
  SERVER_MASTER=$!
  SERVER_PID=""
  for _ in $(seq 50); do
    SERVER_PID="$(cat "/proc/$SERVER_MASTER/task/$SERVER_MASTER/children" 2>/dev/null | awk '{print $1}')"
    [ -n "$SERVER_PID" ] && curl -fs -o /dev/null "$url" && break
    sleep 0.1
  done
}
