# rk6 as a container image, and as a drop-in for grafana/k6 in k6-operator TestRuns:
# the binary answers to both `rk6` and `k6` (the operator runs `k6 archive`, `k6 inspect`
# and `k6 run` by name, through `sh -c`), runs as user 12345 in /home/k6 like grafana/k6,
# and its entrypoint is `k6`.
#
#   docker build -t rk6 .
#   docker run --rm rk6 version
#   docker run --rm -v "$PWD:/scripts" rk6 run /scripts/examples/quickstart.js

FROM rust:1.91-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin rk6 \
 && strip target/release/rk6

# Debian slim rather than distroless: the operator's initializer and local-file runners
# need a shell.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 12345 --create-home --home-dir /home/k6 k6
COPY --from=build /src/target/release/rk6 /usr/bin/rk6
RUN ln -s /usr/bin/rk6 /usr/bin/k6
USER 12345
WORKDIR /home/k6
ENTRYPOINT ["k6"]
