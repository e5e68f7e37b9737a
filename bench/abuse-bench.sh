#!/usr/bin/env bash
# Connection abuse against a real `gdn node --flags examples/flags.json` (issue 11; BENCHMARKS.md, "Connection abuse").
#
#   bench/abuse-bench.sh                       both JVM flag sets, 20,000 idle + 200 slowloris, 60 s held, 30 s after
#   IDLE=5000 HOLD=30 bench/abuse-bench.sh
#
# For each JVM flag set (VARIANTS: "image" = the Dockerfile's GDN_JAVA_OPTS, "image+pretouch" = the same with
# -Xms160m -XX:+AlwaysPreTouch), starts a node and runs bench/abuse/Flood.java: 5 s baseline, then IDLE connections
# that never send a byte and SLOW slowloris connections (one header byte a second) opened in bursts of 500 and held
# HOLD seconds, then AFTER seconds once they are gone. Probes every 100 ms: /health/ready and OFREP bulk over
# connections opened before the attack, and /health/ready over a new connection each time. Prints p50/p99 per phase,
# probe failures and RSS (start, end of flood, peak, after); writes docs/benchmarks/abuse-timeline.svg.
# The client needs IDLE+SLOW descriptors: the script raises its own limit (root) or lowers IDLE to fit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=../bin/find-jdk
. bin/find-jdk

IDLE=${IDLE:-20000}
SLOW=${SLOW:-200}
HOLD=${HOLD:-60}
AFTER=${AFTER:-30}
IMAGE_OPTS=$(sed -n 's/.*GDN_JAVA_OPTS="\([^"]*\)".*/\1/p' Dockerfile | head -1)
VARIANTS=${VARIANTS:-"image image+pretouch"}
OUT=$ROOT/bench/out/abuse-bench
JAVA="$JAVA_HOME/bin/java"

log() { echo "abuse-bench: $*" >&2; }
# shellcheck source=lib/children.sh
. "$ROOT/bench/lib/children.sh"

# Each client process holds its connections' descriptors: split the attack over two processes when one may not
# hold them all (a container without CAP_SYS_RESOURCE cannot raise its hard limit).
ulimit -n "$(ulimit -Hn)"
SPLIT=1
[ $((IDLE + SLOW + 1024)) -gt "$(ulimit -n)" ] && SPLIT=2
[ $(((IDLE + SLOW) / SPLIT + 1024)) -gt "$(ulimit -n)" ] && { log "IDLE+SLOW needs more than 2 × $(ulimit -n) descriptors"; exit 1; }

log "building the CLI (JDK at $JAVA_HOME)"
./gdn --version >/dev/null
rm -rf "$OUT" && mkdir -p "$OUT"

svg_args=()
for variant in $VARIANTS; do
    opts=$IMAGE_OPTS
    [ "$variant" = "image+pretouch" ] && opts="$IMAGE_OPTS -Xms160m -XX:+AlwaysPreTouch"
    dir=$OUT/$variant && mkdir -p "$dir"
    log "$variant: node with $opts (descriptors: $(ulimit -n))"
    # shellcheck disable=SC2086
    "$JAVA" $opts -jar cli/target/gdn.jar node --flags examples/flags.json --host 127.0.0.1 --port 0 >"$dir/node.log" 2>&1 &
    node_pid=$!
    pids+=("$node_pid")
    port=""
    for _ in $(seq 1 300); do
        port=$(sed -n 's/^gdn node listening on port \([0-9]*\)$/\1/p' "$dir/node.log" | head -1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { log "the node did not start"; cat "$dir/node.log"; exit 1; }
    # warm the probed routes (JIT) so the baseline is not the first requests ever
    for _ in $(seq 1 500); do
        curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"context":{"targetingKey":"w"}}' \
            "http://127.0.0.1:$port/ofrep/v1/evaluate/flags" || true
    done 2>/dev/null
    csvs=$dir/timeline.csv
    if [ "$SPLIT" = 2 ]; then
        mkdir -p "$dir/second"
        "$JAVA" bench/abuse/Flood.java "$port" "$node_pid" $((IDLE / 2)) $((SLOW / 2)) "$HOLD" "$AFTER" "$dir/second" attack-only \
            >"$dir/second/summary.stdout" 2>&1 &
        second_pid=$!
        "$JAVA" bench/abuse/Flood.java "$port" "$node_pid" $((IDLE - IDLE / 2)) $((SLOW - SLOW / 2)) "$HOLD" "$AFTER" "$dir" | tee "$dir/summary.stdout"
        wait "$second_pid"
        echo "second client process: $(head -1 "$dir/second/summary.txt")" | tee -a "$dir/summary.stdout"
        csvs="$csvs,$dir/second/timeline.csv"
    else
        "$JAVA" bench/abuse/Flood.java "$port" "$node_pid" "$IDLE" "$SLOW" "$HOLD" "$AFTER" "$dir" | tee "$dir/summary.stdout"
    fi
    log "$variant: $(grep -c "rejected (" "$dir/node.log" || true) rate-limited rejection lines in the node's log"
    grep -E "SEVERE|Too many open files|Exception" "$dir/node.log" | head -5 || true
    kill "$node_pid" && wait "$node_pid" 2>/dev/null || true
    svg_args+=("$variant=$csvs")
done
"$JAVA" bench/abuse/Timeline.java docs/benchmarks/abuse-timeline.svg "${svg_args[@]}"
log "timeline: docs/benchmarks/abuse-timeline.svg"
