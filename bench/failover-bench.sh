#!/usr/bin/env bash
# Failover latency table for client-failover: three local WireMock tiers (127.0.0.1), a fault on the
# first tier (none, hang, reset, 503, slow 300 ms) and the first two hung; p50/p99 added latency.
#   bench/failover-bench.sh              1,000 evaluations per scenario after 200 warm-up
#   bench/failover-bench.sh 2000 500     evaluations, warm-up
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=../bin/find-jdk
. bin/find-jdk

./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); load: $(uptime | sed 's/.*load average: //')"
"$JAVA_HOME/bin/java" $GDN_JVM_FLAGS -Xmx512m -Dslf4j.internal.verbosity=ERROR -cp benchmarks/target/benchmarks.jar dev.gdn.bench.FailoverTable "$@"
echo "# load after: $(uptime | sed 's/.*load average: //')"
