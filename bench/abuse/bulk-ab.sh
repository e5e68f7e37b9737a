#!/usr/bin/env bash
# Same-run A/B of the OFREP bulk route before and after a change (issue 11: the server limits must not cost
# throughput). Builds BASE (default: where this branch left main) from `git archive` into a scratch directory, starts its node and this
# tree's node side by side (`--flags examples/flags.json`, the Dockerfile's GDN_JAVA_OPTS), warms both, then
# farm-bench alternates wrk -t1 -c64 -d DURATION runs against each (bench/ofrep-bulk.lua, 1,000 contexts
# round-robin), A B A B; each run's req/s and p99 come from wrk's own output, kept per side, and are paired in
# order. (wrk's thread:stop() ends the requests but not the run, so a fixed-work run cannot be timed from outside.)
#
#   bench/abuse/bulk-ab.sh              (RUNS=7 DURATION=15s BASE=the merge base with main)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=../../bin/find-jdk
. bin/find-jdk
BASE=${BASE:-$(git merge-base HEAD main)}
RUNS=${RUNS:-7}
DURATION=${DURATION:-15s}
OUT=$ROOT/bench/out/bulk-ab
OPTS=$(sed -n 's/.*GDN_JAVA_OPTS="\([^"]*\)".*/\1/p' Dockerfile | head -1)
JAVA="$JAVA_HOME/bin/java"
log() { echo "bulk-ab: $*" >&2; }
# shellcheck source=../lib/children.sh
. "$ROOT/bench/lib/children.sh"
rm -rf "$OUT" && mkdir -p "$OUT/base"

log "building $BASE ($(git rev-parse --short "$BASE")) in $OUT/base and this tree ($(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes'))"
git archive "$BASE" | tar -x -C "$OUT/base"
(cd "$OUT/base" && ./mvnw -B -q -o -pl cli -am -DskipTests package)
./mvnw -B -q -o -pl cli -am -DskipTests package

python3 - "$OUT/contexts.jsonl" <<'PY'
import json, sys
plans = ["free", "pro", "enterprise"]
with open(sys.argv[1], "w") as f:
    for i in range(1000):
        f.write(json.dumps({"context": {"targetingKey": f"user-{i}", "plan": plans[i % 3], "country": ["US", "NL", "DE"][i % 3],
                                        "email": f"u{i}@example.com", "appVersion": f"2.{i % 10}.0"}}, separators=(",", ":")) + "\n")
PY

start() { # start NAME JAR: sets PORT
    # shellcheck disable=SC2086
    "$JAVA" $OPTS -jar "$2" node --flags examples/flags.json --host 127.0.0.1 --port 0 >"$OUT/$1.log" 2>&1 &
    pids+=("$!")
    PORT=""
    for _ in $(seq 1 300); do
        PORT=$(sed -n 's/^gdn node listening on port \([0-9]*\)$/\1/p' "$OUT/$1.log" | head -1)
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    log "$1 did not start"; cat "$OUT/$1.log"; exit 1
}
start base "$OUT/base/cli/target/gdn.jar"; BASE_PORT=$PORT
start head "$ROOT/cli/target/gdn.jar"; HEAD_PORT=$PORT
export CONTEXTS_FILE=$OUT/contexts.jsonl CLIENT_KEY=bench
for port in "$BASE_PORT" "$HEAD_PORT"; do
    log "warming :$port (20 s of bulk)"
    wrk -t1 -c64 -d20s -s bench/ofrep-bulk.lua "http://127.0.0.1:$port" >/dev/null
done
wrk_line() { echo "exec wrk -t1 -c64 -d$DURATION --latency -s bench/ofrep-bulk.lua http://127.0.0.1:$1 >>$OUT/wrk-$2.txt 2>&1"; }
log "farm-bench: A = this tree, B = $BASE; $RUNS runs of $DURATION each"
farm-bench -n "$RUNS" --timeout 1200 --vs "sh -c '$(wrk_line "$BASE_PORT" base)'" -- sh -c "$(wrk_line "$HEAD_PORT" head)" \
    | tee "$OUT/farm-bench.txt"
# the first run of each side is farm-bench's warm-up
paste <(grep -h 'Requests/sec' "$OUT/wrk-head.txt" | awk '{print $2}') <(grep -h 'Requests/sec' "$OUT/wrk-base.txt" | awk '{print $2}') \
      <(grep -h ' 99%' "$OUT/wrk-head.txt" | awk '{print $2}') <(grep -h ' 99%' "$OUT/wrk-base.txt" | awk '{print $2}') \
    | awk 'BEGIN { print "run  head req/s  base req/s  ratio  head p99  base p99" }
           { printf "%-4s %-11s %-11s %.3f  %-9s %s\n", NR == 1 ? "warm" : NR - 1, $1, $2, $1 / $2, $3, $4 }' \
    | tee -a "$OUT/farm-bench.txt"
