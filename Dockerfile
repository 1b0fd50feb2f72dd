# connectd container image (used by docker-compose.yml; any Connect deployment can use it).
#
#   docker build -t connectd .
#   docker run -e CONNECT_BOOTSTRAP_SERVERS=kafka:9092 -e CONNECT_GROUP_ID=connectd ... connectd
#
# Stage "build": Debian 12 with the -dev packages, cmake builds the `connectd` binary.
# Stage "runtime": Debian 12 slim with only the shared libraries connectd links against.
# The worker properties come from CONNECT_* environment variables (docker/connectd-entrypoint.sh).

FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config \
      librdkafka-dev libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev libavro-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONNECTD_TESTS=OFF -DCONNECTD_BENCH=OFF \
 && cmake --build /build -j"$(nproc)" --target connectd \
 && /build/connectd --version

FROM debian:12-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      librdkafka1 libmicrohttpd12 libjansson4 libcurl4 libavro23 libssl3 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/connectd /usr/local/bin/connectd
COPY docker/connectd-entrypoint.sh /usr/local/bin/connectd-entrypoint.sh
RUN connectd --version && useradd --system --home-dir /var/lib/connectd --create-home connectd
USER connectd
WORKDIR /var/lib/connectd
EXPOSE 8083
ENTRYPOINT ["/bin/sh", "/usr/local/bin/connectd-entrypoint.sh"]
CMD ["distributed"]
