#!/usr/bin/env bash
# gdn-node load and lifecycle figures (BENCHMARKS.md, "gdn-node (wrk)"). Loopback only.
#
#   bench/node-bench.sh            all of it (about 2.5 minutes)
#   DURATION=30s bench/node-bench.sh
#
# Measures, against a real `gdn node` process started with GDN_JAVA_OPTS (default
# "-Xmx160m -XX:+UseSerialGC"):
#   1. start-to-ready: launch → first 200 from /health/ready (store mode, one environment, 50 flags), with
#      the JDK AOT cache `./gdn node` trains once per build on JDK 25+ (trained before timing), and once
#      without it (GDN_AOT=0) for comparison
#   2. publish-to-served: `gdn publish` of the next version → GDN-Ruleset-Version shows it (node polls
#      every 1 s); from the publish command's start and from its exit; ROUNDS rounds
#   3. throughput: wrk -t1 -c64 against OFREP bulk (bench/ofrep-bulk.lua, 1,000 contexts round-robin)
#      and against /health/live, same node, one after the other; req/s, p50, p99, bulk/live ratio, and
#      the node's CPU time per request (from /proc: steadier than req/s on a shared machine). Both are
#      warmed up first (WARMUP, default 30 s of bulk: with wrk on the same two cores the JIT is still
#      compiling the bulk path after 5-20 s, which showed as a quarter of the node's CPU)
#   3b. the HTTP floor: the same two wrk runs against dev.gdn.bench.HttpFloor, a bare Helidon server
#      configured like the node that answers bulk requests with a fixed body of the same size (no
#      parsing, evaluation, ETag or auth): how far the goal is from what HTTP alone allows here.
#      Its runs alternate with the node's (node bulk, floor bulk, node live, floor live)
#   4. RSS under load: a second node serving 100 environments × 100 flags; VmRSS sampled every second
#      while wrk sends bulk requests across all 100 environments
# Inputs come from the JMH module's deterministic generators (dev.gdn.bench.BenchInputs).
# Everything it starts is stopped on exit. Work files: bench/out/node-bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=../bin/find-jdk
. bin/find-jdk

DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-30s}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-5}
export GDN_JAVA_OPTS=${GDN_JAVA_OPTS:-"-Xmx160m -XX:+UseSerialGC"}
OUT=$ROOT/bench/out/node-bench
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
JAVA="$JAVA_HOME/bin/java"

pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "node-bench: $*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

command -v wrk >/dev/null || { log "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v curl >/dev/null || { log "needs curl"; exit 1; }

log "building the CLI and the benchmarks module (JDK at $JAVA_HOME)"
./gdn --version >/dev/null
./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests

rm -rf "$OUT" && mkdir -p "$OUT"
gdn() { "$JAVA_HOME/bin/java" $GDN_JVM_FLAGS -jar "$ROOT/cli/target/gdn.jar" "$@"; }
inputs() { "$JAVA" -cp "$BENCH_JAR" dev.gdn.bench.BenchInputs "$@"; }

# ---------------------------------------------------------------- inputs
inputs flags 50 "$OUT/flags-50.json"
inputs contexts 1000 "$OUT/contexts.jsonl"
gdn keygen --out "$OUT/keys" >/dev/null
CLIENT_KEY=$(gdn apikey create --kind client --keys "$OUT/keys.json" 2>/dev/null)
echo "$CLIENT_KEY" >"$OUT/client-key.txt"
STORE=$(realpath "$OUT")/store
gdn publish --flags "$OUT/flags-50.json" --env bench --sign-key "$OUT/keys/gdn-signing.key" --keys "$OUT/keys.json" \
    --to "file://$STORE" >/dev/null

# start_node LOG ARGS...: starts `gdn node`, sets NODE_PID and NODE_PORT once it listens
start_node() {
    local logf=$1
    shift
    ./gdn node --host 127.0.0.1 --port 0 "$@" >"$logf" 2>&1 &
    NODE_PID=$!
    pids+=("$NODE_PID")
    NODE_PORT=""
    for _ in $(seq 1 3000); do
        NODE_PORT=$(sed -n 's/^gdn node listening on port \([0-9][0-9]*\)$/\1/p' "$logf")
        [ -n "$NODE_PORT" ] && return 0
        kill -0 "$NODE_PID" 2>/dev/null || { cat "$logf" >&2; log "node exited"; exit 1; }
        sleep 0.01
    done
    log "node did not start"; exit 1
}

wait_ready() {
    until curl -sf -o /dev/null "http://127.0.0.1:$1/health/ready"; do sleep 0.01; done
}

stop_node() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# ---------------------------------------------------------------- 1. start-to-ready
# without the AOT cache first, then with it (`./gdn node --help` trains it if this build has none)
t0=$(now_ms)
GDN_AOT=0 start_node "$OUT/node-noaot.log" --store "file://$STORE" --trust "$OUT/keys/gdn-signing.pub" --poll 1s --drain 1s
wait_ready "$NODE_PORT"
START_TO_READY_NOAOT=$(($(now_ms) - t0))
stop_node "$NODE_PID"
log "start-to-ready without the AOT cache ${START_TO_READY_NOAOT} ms"
./gdn node --help >/dev/null
AOT_USED=no
t0=$(now_ms)
start_node "$OUT/node.log" --store "file://$STORE" --trust "$OUT/keys/gdn-signing.pub" --poll 1s --drain 1s
t_listen=$(now_ms)
wait_ready "$NODE_PORT"
t_ready=$(now_ms)
START_TO_READY=$((t_ready - t0))
grep -q -- '-XX:AOTCache=' "/proc/$NODE_PID/cmdline" 2>/dev/null && AOT_USED=yes
log "start-to-ready ${START_TO_READY} ms (listening after $((t_listen - t0)) ms)"
PORT=$NODE_PORT
URL="http://127.0.0.1:$PORT"

served_version() {
    curl -s -o /dev/null -D - -H "Authorization: Bearer $CLIENT_KEY" -H 'Content-Type: application/json' \
        -d '{"context":{"targetingKey":"probe"}}' "$URL/ofrep/v1/evaluate/flags" \
        | tr -d '\r' | sed -n 's/^[Gg][Dd][Nn]-[Rr]uleset-[Vv]ersion: *//p'
}

# ---------------------------------------------------------------- 2. publish-to-served
P2S_START=() P2S_EXIT=()
for round in $(seq 1 "$ROUNDS"); do
    want=$((round + 1))
    t_start=$(now_ms)
    gdn publish --flags "$OUT/flags-50.json" --env bench --sign-key "$OUT/keys/gdn-signing.key" --to "file://$STORE" >/dev/null
    t_exit=$(now_ms)
    until [ "$(served_version)" = "$want" ]; do sleep 0.01; done
    t_served=$(now_ms)
    P2S_START+=($((t_served - t_start)))
    P2S_EXIT+=($((t_served - t_exit)))
    log "publish v$want: served $((t_served - t_exit)) ms after the publish command exited ($((t_served - t_start)) ms after it started)"
    sleep 0.$((RANDOM % 10)) # de-phase from the 1 s poll
done

# ---------------------------------------------------------------- 3. throughput
export CONTEXTS_FILE=$OUT/contexts.jsonl CLIENT_KEY
# wrk_run NAME ARGS...: runs wrk, keeps its output in $OUT/wrk-NAME.txt and the node's CPU time
# (user + system, clock ticks) during the run in $OUT/cpu-NAME.txt
node_ticks() { awk '{ print $14 + $15 }' "/proc/$NODE_PID/stat"; }
wrk_run() {
    local name=$1 c0 c1
    shift
    c0=$(node_ticks)
    wrk "$@" >"$OUT/wrk-$name.txt"
    c1=$(node_ticks)
    echo $((c1 - c0)) >"$OUT/cpu-$name.txt"
}
# cpu_per_request NAME: the node's CPU microseconds per request of that run
cpu_per_request() {
    awk -v ticks="$(cat "$OUT/cpu-$1.txt")" -v hz="$(getconf CLK_TCK)" '/requests in/ { n = $1 }
        END { printf "%.0f", ticks * 1e6 / hz / n }' "$OUT/wrk-$1.txt"
}
# parse FILE: prints "rps p50_ms p99_ms errors"
parse_wrk() {
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec:/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /Non-2xx or 3xx responses:/ { err += $NF }
        /Socket errors:/ { err += 0 }
        END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, err + 0 }' "$1"
}

# The HTTP floor (3b) runs beside the node, and the four measured runs alternate between them, so
# both see the same phase of this shared machine (its speed drifts by a third within minutes).
"$JAVA" $GDN_JVM_FLAGS $GDN_JAVA_OPTS -cp "$BENCH_JAR" dev.gdn.bench.HttpFloor 50 >"$OUT/floor.log" 2>&1 &
FLOOR_PID=$!
pids+=("$FLOOR_PID")
FLOOR_PORT=""
for _ in $(seq 1 3000); do
    FLOOR_PORT=$(sed -n 's/^http-floor listening on port \([0-9][0-9]*\).*/\1/p' "$OUT/floor.log")
    [ -n "$FLOOR_PORT" ] && break
    sleep 0.01
done
[ -n "$FLOOR_PORT" ] || { cat "$OUT/floor.log" >&2; log "HttpFloor did not start"; exit 1; }
FLOOR_URL="http://127.0.0.1:$FLOOR_PORT"
# on_floor CMD...: runs CMD with node_ticks reading the floor server's CPU
on_floor() {
    local saved=$NODE_PID
    NODE_PID=$FLOOR_PID
    "$@"
    NODE_PID=$saved
}

log "warm-up: wrk bulk $WARMUP and /health/live 5s, against the node and the HTTP floor"
wrk_run warmup -t1 -c"$CONNECTIONS" -d"$WARMUP" -s bench/ofrep-bulk.lua "$URL"
wrk_run warmup-live -t1 -c"$CONNECTIONS" -d5s "$URL/health/live"
on_floor wrk_run floor-warmup -t1 -c"$CONNECTIONS" -d"$WARMUP" -s bench/ofrep-bulk.lua "$FLOOR_URL"
on_floor wrk_run floor-warmup-live -t1 -c"$CONNECTIONS" -d5s "$FLOOR_URL/health/live"
log "wrk -t1 -c$CONNECTIONS -d$DURATION: node bulk, floor bulk, node /health/live, floor /health/live"
wrk_run bulk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/ofrep-bulk.lua "$URL"
on_floor wrk_run floor-bulk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/ofrep-bulk.lua "$FLOOR_URL"
wrk_run live -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$URL/health/live"
on_floor wrk_run floor-live -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$FLOOR_URL/health/live"
stop_node "$FLOOR_PID"
read -r FLOOR_BULK_RPS _ _ _ < <(parse_wrk "$OUT/wrk-floor-bulk.txt")
read -r FLOOR_LIVE_RPS _ _ _ < <(parse_wrk "$OUT/wrk-floor-live.txt")
FLOOR_BULK_CPU=$(cpu_per_request floor-bulk)
FLOOR_LIVE_CPU=$(cpu_per_request floor-live)
read -r BULK_RPS BULK_P50 BULK_P99 BULK_ERR < <(parse_wrk "$OUT/wrk-bulk.txt")
read -r LIVE_RPS LIVE_P50 LIVE_P99 LIVE_ERR < <(parse_wrk "$OUT/wrk-live.txt")
RATIO=$(awk -v b="$BULK_RPS" -v l="$LIVE_RPS" 'BEGIN { printf "%.0f", 100 * b / l }')
BULK_CPU=$(cpu_per_request bulk)
LIVE_CPU=$(cpu_per_request live)
BULK_BYTES=$(curl -s -H "Authorization: Bearer $CLIENT_KEY" -H 'Content-Type: application/json' \
    -d "$(head -n 1 "$CONTEXTS_FILE")" "$URL/ofrep/v1/evaluate/flags" | wc -c)
NODE1_RSS=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$NODE_PID/status")
curl -s "$URL/metrics" >"$OUT/metrics-node1.txt"
stop_node "$NODE_PID"

FLOOR_RATIO=$(awk -v b="$FLOOR_BULK_RPS" -v l="$FLOOR_LIVE_RPS" 'BEGIN { printf "%.0f", 100 * b / l }')
NODE_OF_FLOOR=$(awk -v b="$BULK_RPS" -v f="$FLOOR_BULK_RPS" 'BEGIN { printf "%.0f", 100 * b / f }')

# ---------------------------------------------------------------- 4. RSS, 100 environments × 100 flags
log "publishing 100 environments × 100 flags"
STORE100=$(realpath "$OUT")/store-100
"$JAVA" $GDN_JVM_FLAGS -cp "$BENCH_JAR" dev.gdn.bench.PublishMany "file://$STORE100" "$OUT/keys/gdn-signing.key" env 100 100 \
    "$OUT/keys-100.txt" 2>/dev/null
t0=$(now_ms)
start_node "$OUT/node-100.log" --store "file://$STORE100" --trust "$OUT/keys/gdn-signing.pub" --poll 1s --drain 1s
wait_ready "$NODE_PORT"
READY_100=$(($(now_ms) - t0))
URL="http://127.0.0.1:$NODE_PORT"
RSS_READY=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$NODE_PID/status")
log "100 environments ready in $READY_100 ms, RSS $RSS_READY MiB; wrk across all of them"
KEYS_FILE=$OUT/keys-100.txt wrk_run warmup-100 -t1 -c"$CONNECTIONS" -d5s -s bench/ofrep-bulk.lua "$URL"
KEYS_FILE=$OUT/keys-100.txt wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/ofrep-bulk.lua "$URL" >"$OUT/wrk-bulk-100.txt" &
WRK_PID=$!
pids+=("$WRK_PID")
RSS_MAX=0
RSS_SAMPLES=()
while kill -0 "$WRK_PID" 2>/dev/null; do
    rss=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$NODE_PID/status")
    RSS_SAMPLES+=("$rss")
    [ "$rss" -gt "$RSS_MAX" ] && RSS_MAX=$rss
    sleep 1
done
wait "$WRK_PID" || true
read -r B100_RPS B100_P50 B100_P99 B100_ERR < <(parse_wrk "$OUT/wrk-bulk-100.txt")
curl -s "$URL/metrics" >"$OUT/metrics-node100.txt"
HEAP_USED=$(awk '/^jvm_memory_used_bytes\{area="heap"/ { s += $NF } END { printf "%.0f", s / 1048576 }' "$OUT/metrics-node100.txt")
stop_node "$NODE_PID"

# ---------------------------------------------------------------- report
goal() { if [ "$1" = 1 ]; then echo "met"; else echo "MISSED"; fi; }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
maxof() { printf '%s\n' "$@" | sort -n | tail -n 1; }
minof() { printf '%s\n' "$@" | sort -n | head -n 1; }

echo
echo "gdn-node bench — $(date -u '+%Y-%m-%d %H:%M UTC'), $("$JAVA" -version 2>&1 | head -n 1), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "GDN_JAVA_OPTS=\"$GDN_JAVA_OPTS\"; wrk -t1 -c$CONNECTIONS -d$DURATION (after $WARMUP of warm-up) on the same machine; bulk response $BULK_BYTES bytes (50 flags)"
echo
printf '| %-52s | %-28s | %-22s |\n' "measure" "result" "goal"
printf '|%s|%s|%s|\n' "------------------------------------------------------" "------------------------------" "------------------------"
printf '| %-52s | %-28s | %-22s |\n' "start-to-ready (launch → /health/ready 200)" "$START_TO_READY ms (AOT cache: $AOT_USED)" "≤ 2000: $(goal "$([ "$START_TO_READY" -le 2000 ] && echo 1)")"
printf '| %-52s | %-28s | %-22s |\n' "start-to-ready without the AOT cache (GDN_AOT=0)" "$START_TO_READY_NOAOT ms" ""
printf '| %-52s | %-28s | %-22s |\n' "publish-to-served, from publish exit (median, min–max)" "$(median "${P2S_EXIT[@]}") ms ($(minof "${P2S_EXIT[@]}")–$(maxof "${P2S_EXIT[@]}"))" "≤ poll (1 s)"
printf '| %-52s | %-28s | %-22s |\n' "publish-to-served, from publish start (median, min–max)" "$(median "${P2S_START[@]}") ms ($(minof "${P2S_START[@]}")–$(maxof "${P2S_START[@]}"))" ""
printf '| %-52s | %-28s | %-22s |\n' "OFREP bulk req/s (p50 / p99)" "$BULK_RPS ($BULK_P50 / $BULK_P99 ms)" "≥ 30000: $(goal "$(awk -v r="$BULK_RPS" 'BEGIN { print (r >= 30000) }')")"
printf '| %-52s | %-28s | %-22s |\n' "/health/live req/s (p50 / p99)" "$LIVE_RPS ($LIVE_P50 / $LIVE_P99 ms)" ""
printf '| %-52s | %-28s | %-22s |\n' "bulk / live" "$RATIO %" "≥ 50 %: $(goal "$([ "$RATIO" -ge 50 ] && echo 1)")"
printf '| %-52s | %-28s | %-22s |\n' "node CPU per request: bulk, live" "$BULK_CPU µs, $LIVE_CPU µs" ""
printf '| %-52s | %-28s | %-22s |\n' "HTTP floor: fixed-body bulk req/s, live req/s" "$FLOOR_BULK_RPS, $FLOOR_LIVE_RPS ($FLOOR_RATIO %)" ""
printf '| %-52s | %-28s | %-22s |\n' "HTTP floor: CPU per request, bulk, live" "$FLOOR_BULK_CPU µs, $FLOOR_LIVE_CPU µs" ""
printf '| %-52s | %-28s | %-22s |\n' "node bulk / floor bulk" "$NODE_OF_FLOOR %" ""
printf '| %-52s | %-28s | %-22s |\n' "non-2xx responses (bulk, live, bulk-100)" "$BULK_ERR, $LIVE_ERR, $B100_ERR" "0"
printf '| %-52s | %-28s | %-22s |\n' "RSS after the wrk runs (1 env × 50 flags)" "$NODE1_RSS MiB" ""
printf '| %-52s | %-28s | %-22s |\n' "100 envs × 100 flags: start-to-ready" "$READY_100 ms" ""
printf '| %-52s | %-28s | %-22s |\n' "100 envs × 100 flags: RSS when ready" "$RSS_READY MiB" ""
printf '| %-52s | %-28s | %-22s |\n' "100 envs × 100 flags: max RSS under wrk bulk" "$RSS_MAX MiB" "≤ 256: $(goal "$([ "$RSS_MAX" -le 256 ] && echo 1)")"
printf '| %-52s | %-28s | %-22s |\n' "100 envs × 100 flags: heap used at end" "$HEAP_USED MiB" ""
printf '| %-52s | %-28s | %-22s |\n' "100 envs × 100 flags: bulk req/s (p50 / p99)" "$B100_RPS ($B100_P50 / $B100_P99 ms)" ""
echo
echo "RSS samples (MiB, 1 s apart): ${RSS_SAMPLES[*]}"
echo "raw wrk output and metrics: $OUT"
