# syntax=docker/dockerfile:1.7
#
# The GDN node image that fly.toml deploys. Three stages:
#   build   the CLI (gdn.jar + lib/) with the Maven wrapper on Temurin 25
#   runtime a jlinked Java runtime with exactly the modules jdeps finds (deploy/jlink-runtime.sh)
#   final   Debian slim, non-root, the app, and a JDK 25 AOT cache trained in place (deploy/aot-train.sh)
# Not built in CI (no Docker there). deploy/jlink-runtime.sh, deploy/aot-train.sh and
# deploy/entrypoint.sh were run outside Docker against the same jar; cli's DeployConfigTest checks that
# this file and fly.toml agree (port, health path, env vars, kill timeout, memory).

ARG JDK_IMAGE=eclipse-temurin:25-jdk-noble
ARG BASE_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------- build
FROM ${JDK_IMAGE} AS build
# the wrapper downloads Maven with curl and unpacks it with unzip
RUN apt-get update && apt-get install -y --no-install-recommends curl unzip && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY ruleset-core ruleset-core
COPY ruleset-sync ruleset-sync
COPY gdn-node gdn-node
# every module the root pom lists must be present for the reactor, even those the node does not run
COPY classic-api classic-api
COPY client-failover client-failover
COPY regions regions
COPY chaos-tests chaos-tests
COPY cli cli
# Tests run in CI, not here.
RUN --mount=type=cache,target=/root/.m2 --mount=type=cache,target=/root/.m2/wrapper \
    ./mvnw -B -q -pl cli -am package -DskipTests -Dgdn.skipWorldTools=true \
    && mkdir -p /out/app \
    && cp cli/target/gdn.jar /out/app/ && cp -r cli/target/lib /out/app/lib

# ---------------------------------------------------------------- runtime
FROM ${JDK_IMAGE} AS runtime
COPY --from=build /out/app /app
COPY deploy/jlink-runtime.sh /usr/local/bin/
RUN jlink-runtime.sh /app /opt/gdn-jre

# ---------------------------------------------------------------- final
FROM ${BASE_IMAGE}
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin gdn \
    && mkdir -p /var/cache/gdn /etc/gdn/trust \
    && chown gdn:gdn /var/cache/gdn
COPY --from=runtime /opt/gdn-jre /opt/gdn-jre
COPY --from=build /out/app /app
COPY examples/flags.json /app/examples/flags.json
COPY deploy/entrypoint.sh deploy/aot-train.sh /app/bin/

# Sized for a 256 MB machine: 160 MB heap, Serial GC (one core, small heap: the least overhead), smaller
# thread stacks (virtual threads carry the requests), a bounded code cache. Serial returns heap to the OS only
# at a full GC and never below -Xms (by default 1/64 of RAM, all of -Xmx on a big host): -Xms16m, shrinking at
# once (-ShrinkHeapInSteps) to at most 50 % free, and the node asks for that GC when a connection flood is
# over (HeapRelease; BENCHMARKS.md "Issue 11, the server half").
ENV JAVA_HOME=/opt/gdn-jre \
    GDN_HOME=/app \
    GDN_AOT_CACHE=/app/gdn.aot \
    GDN_JAVA_OPTS="-Xms16m -Xmx160m -XX:+UseSerialGC -XX:-ShrinkHeapInSteps -XX:MaxHeapFreeRatio=50 -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=32m -XX:+ExitOnOutOfMemoryError" \
    GDN_CACHE_DIR=/var/cache/gdn \
    PORT=8080

# The AOT cache: a training run of the real node in store mode (the bundled example flags published to
# a temporary file store), with the same runtime, jars (same paths and timestamps: this layer does not
# touch them) and JVM options as production. Outside Docker the same training (./gdn does it once per
# build) cut start-to-ready from 2.2-2.9 s to 1.2-1.7 s on this 2-core machine.
RUN /app/bin/aot-train.sh && chmod 0444 /app/gdn.aot

USER gdn
EXPOSE 8080
ENTRYPOINT ["/app/bin/entrypoint.sh"]
