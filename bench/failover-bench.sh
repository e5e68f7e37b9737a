#!/usr/bin/env bash
# client-failover latency under faults, against three local WireMock tiers (127.0.0.1).
#
# The table (default): a fault on the first tier (none, hang, reset, 503, slow 300 ms) and the first two
# hung; p50/p99 added latency of sequential evaluations, breakers held closed.
#   bench/failover-bench.sh              1,000 evaluations per scenario after 200 warm-up
#   bench/failover-bench.sh 2000 500     evaluations, warm-up
#
# The blackhole timeline: two groups of clients at a fixed rate (default breakers vs breakers held closed)
# in the same run; the belt CDN tier black-holes, then heals; per-second p50/p99, added p99 per phase, SVG.
#   bench/failover-bench.sh blackhole                          4 clients per group x 10 calls/s, 5 s + 12 s + 8 s
#   bench/failover-bench.sh blackhole clients=8 rate=20 svg=/tmp/x.svg
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=../bin/find-jdk
. bin/find-jdk

main=dev.gdn.bench.FailoverTable
if [ "${1:-}" = blackhole ]; then
    main=dev.gdn.bench.BlackholeTimeline
    shift
fi

./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); load: $(uptime | sed 's/.*load average: //')"
"$JAVA_HOME/bin/java" $GDN_JVM_FLAGS -Xmx512m -Dslf4j.internal.verbosity=ERROR -cp benchmarks/target/benchmarks.jar "$main" "$@"
echo "# load after: $(uptime | sed 's/.*load average: //')"
