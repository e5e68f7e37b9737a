#!/usr/bin/env bash
# gdn world figures (BENCHMARKS.md, "gdn world"): start time, publish → served everywhere, memory, stop.
#
#   bench/world-bench.sh                   3 regions (ams,iad,syd), 25 publishes (about 3 minutes)
#   REGIONS=ams,iad PUBLISHES=40 bench/world-bench.sh
#
#   1. start: `gdn world up` in a fresh directory, launch → world.json written (every part ready), then
#      stopped and started again in the same directory (data, keys and stores kept)
#   2. publish → served: dev.gdn.bench.WorldPropagation uploads PUBLISHES flag files through the admin API,
#      one at a time, and asks every region's node, every belt POP and the suspenders POP (the CDN GET,
#      cached, so a POP shows the new version only once purged) every 5 ms until each serves the new
#      version: p50/p99/max of the time to the last of them, and a picture (world-propagation.svg)
#   3. memory: `gdn world status` (PSS of every part, the varnishd POPs included, and the world process,
#      summed), and the POPs' share of it
#   4. stop: SIGTERM → the world's exit, and no process left behind
# Also the CPU time the start cost (the world and every part, from ps): unlike wall time it does not grow
# with the machine's load, so it says what an idle 2-core machine needs at least (CPU seconds / 2).
# Loopback only; stops what it starts. Work files: bench/out/world-bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=../bin/find-jdk
. bin/find-jdk

REGIONS=${REGIONS:-ams,iad,syd}
PUBLISHES=${PUBLISHES:-25}
PORT=${PORT:-$(shuf -i 20000-29000 -n 1)}
OUT=$ROOT/bench/out/world-bench
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
JAVA="$JAVA_HOME/bin/java"
rm -rf "$OUT" && mkdir -p "$OUT"
WORLD_DIR=$OUT/world

world_pid=""
cleanup() { [ -n "$world_pid" ] && kill "$world_pid" 2>/dev/null && wait "$world_pid" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "world-bench: $*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

log "building the CLI and the benchmarks jar"
./gdn --version >/dev/null
./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests

start_world() { # label
    local t0 t1
    t0=$(now_ms)
    ./gdn world up --dir "$WORLD_DIR" --regions "$REGIONS" --port "$PORT" >"$OUT/up-$1.log" 2>&1 &
    world_pid=$!
    while [ ! -f "$WORLD_DIR/world.json" ]; do
        kill -0 "$world_pid" 2>/dev/null || { cat "$OUT/up-$1.log" >&2; log "the world did not start"; exit 1; }
        sleep 0.1
    done
    t1=$(now_ms)
    echo "$1: launch → world.json in $((t1 - t0)) ms ($(grep -o 'world ready in [0-9.]* s' "$OUT/up-$1.log"), as the world counts it);" \
        "CPU spent by the world and every part until then: $(tree_cpu "$world_pid") s"
}

# CPU seconds (user + system) of a process and all its descendants: what a start costs, whatever the load
tree_cpu() {
    ps -e -o pid=,ppid=,times= | awk -v root="$1" '
        { parent[$1] = $2; cpu[$1] = $3 }
        END { for (p in cpu) { q = p; while (q != "" && q != root && q in parent && q != 1) q = parent[q];
                               if (q == root) total += cpu[p] }
              print total }'
}

stop_world() { # label
    local t0 t1 family left
    family=$(pgrep -d' ' -P "$world_pid" || true)
    t0=$(now_ms)
    kill -TERM "$world_pid"
    wait "$world_pid" || true
    t1=$(now_ms)
    left=0
    for p in $family; do kill -0 "$p" 2>/dev/null && left=$((left + 1)); done
    echo "$1: SIGTERM → exit in $((t1 - t0)) ms, $left of $(wc -w <<<"$family") child processes left"
    world_pid=""
}

echo "world-bench $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), regions $REGIONS"
start_world fresh
stop_world fresh
start_world again
"$JAVA" $GDN_JVM_FLAGS -cp "$BENCH_JAR" dev.gdn.bench.WorldPropagation "$WORLD_DIR/world.json" "$PUBLISHES" "$OUT/world-propagation.svg" \
    | tee "$OUT/propagation.txt" | tail -1
./gdn world status --dir "$WORLD_DIR" >"$OUT/status.txt"
grep 'total memory' "$OUT/status.txt"
# the POPs' share: the memory column of the belt-* and suspenders parts
awk '$1 ~ /^(belt-|suspenders$)/ && $NF == "MiB" { n++; mib += $(NF-1) } END { printf "POPs: %d, %d MiB together\n", n, mib }' "$OUT/status.txt"
stop_world again
echo "picture: $OUT/world-propagation.svg; status: $OUT/status.txt"
