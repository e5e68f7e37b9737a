#!/usr/bin/env bash
# Admin upload → index updated in every store (file + S3 on S3Proxy), through the classic API,
# PostgreSQL (embedded), NOTIFY and the sync daemon: p50/p99 over N uploads (default 100).
#   bench/upload-latency.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../bin/find-jdk
. bin/find-jdk
# each module writes its own target/classpath.txt; the reactor resolves sibling modules to their jars
./mvnw -B -q -Pbench -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
exec "$JAVA_HOME/bin/java" $GDN_JVM_FLAGS -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
    dev.gdn.bench.UploadToStoresLatency "${1:-100}"
