#!/usr/bin/env bash
# What idle OFREP event streams cost one node: starts `gdn node` (flag-file mode, production JVM
# options) on 127.0.0.1, measures its RSS and CPU with no streams, opens N streams
# (dev.gdn.bench.EventStreamLoad, one NIO thread), measures again while they idle (heartbeats only),
# then changes the flag file and times every stream's notification. Writes bench/out/event-streams.{json,svg}.
#   bench/event-streams-bench.sh                 10,000 streams, 60 s idle windows
#   bench/event-streams-bench.sh 2000 20         streams, seconds per idle window
#   GDN_JAVA_OPTS="-Xmx512m ..." bench/...       other JVM options for the node (default: fly.toml's)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../bin/find-jdk
. bin/find-jdk

STREAMS="${1:-10000}"
IDLE="${2:-60}"
# each stream is one socket on each side, in two processes
ulimit -n "$(( STREAMS + 4096 > 20000 ? STREAMS + 4096 : 20000 ))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"

./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
./gdn --help >/dev/null # builds the CLI when sources changed

work="$(mktemp -d)"
mkdir -p bench/out
node_pid=""
cleanup() {
    [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
    cat "$work/node.out" "$work/node.err" >bench/out/event-streams-node.log 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cat >"$work/flags.json" <<'JSON'
{"flags": {"banner": {"state": "ENABLED", "variants": {"a": "old", "b": "new"}, "defaultVariant":"a"}}}
JSON
FLY_OPTS="$(sed -n 's/^ *GDN_JAVA_OPTS = "\(.*\)"$/\1/p' fly.toml)"
KEY="gdn_client_bench$(date +%s)"
# The JVM options of fly.toml (the production node), GDN_AOT=0 so the JVM is the same every run.
GDN_AOT=0 GDN_JAVA_OPTS="${GDN_JAVA_OPTS:-$FLY_OPTS}" \
    ./gdn node --flags "$work/flags.json" --client-key "$KEY" --host 127.0.0.1 --port 0 --poll 100ms \
    >"$work/node.out" 2>"$work/node.err" &
node_pid=$!
for _ in $(seq 1 200); do
    port="$(sed -n 's/^gdn node listening on port \([0-9]*\)$/\1/p' "$work/node.out")"
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "${port:-}" ] || { cat "$work/node.err" >&2; echo "the node did not start" >&2; exit 1; }
# the java child of ./gdn (exec'd, so the same pid)
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); node pid $node_pid port $port;" \
     "JVM options ${GDN_JAVA_OPTS:-$FLY_OPTS}; load: $(uptime | sed 's/.*load average: //')"
sleep 5 # past start-up work
"$JAVA_HOME/bin/java" $GDN_JVM_FLAGS -Xmx256m -cp benchmarks/target/benchmarks.jar dev.gdn.bench.EventStreamLoad \
    127.0.0.1 "$port" "$KEY" "$node_pid" "$work/flags.json" "$STREAMS" "$IDLE" bench/out/event-streams
echo "# load after: $(uptime | sed 's/.*load average: //')"
