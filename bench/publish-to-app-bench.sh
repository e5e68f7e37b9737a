#!/usr/bin/env bash
# Publish → the Java application's flag value changes (dev.gdn.bench.PublishToApp): a store-mode node
# on 127.0.0.1, the remote client with GdnProvider on the event stream, for two node poll intervals
# (the store poll is most of the time from a publish to a node).
#   bench/publish-to-app-bench.sh          40 publishes per mode, polls of 500 (the default) and 1000 ms
#   POLLS="250 500" bench/publish-to-app-bench.sh
#   bench/publish-to-app-bench.sh 100      publishes per mode
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../bin/find-jdk
. bin/find-jdk
./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); load: $(uptime | sed 's/.*load average: //')"
mkdir -p bench/out
for poll in ${POLLS:-500 1000}; do
    "$JAVA_HOME/bin/java" $GDN_JVM_FLAGS -Xmx512m -Dslf4j.internal.verbosity=ERROR -Djava.util.logging.config.file=/dev/null \
        -cp benchmarks/target/benchmarks.jar dev.gdn.bench.PublishToApp "${1:-40}" "$poll" 2>"bench/out/publish-to-app-$poll.log"
done
echo "# load after: $(uptime | sed 's/.*load average: //')"
