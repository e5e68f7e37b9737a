#!/usr/bin/env bash
# ruleset-sync figures (BENCHMARKS.md, "ruleset-sync"). Loopback/local disk only.
#
#   bench/sync-bench.sh                 about 1.5 minutes
#   WINDOW=60 bench/sync-bench.sh       longer index-poll window (seconds)
#
#   1. publish latency to 3 stores: Publisher.publish of a 100-flag ruleset to the stores in parallel
#      (artifact, then index), PUBLISHES times after 15 warm-up publishes; p50/p99, twice: to 3 file://
#      stores, and to 2 file:// stores + 1 S3 store on S3Proxy (in the bench's JVM, loopback), the
#      stores `gdn world` has; per store too (dev.gdn.bench.SyncBench, one JVM: no JVM start-up)
#   2. fetch and verify a 10,000-flag ruleset: fresh Fetcher.pollOnce (index + artifact read, SHA-256,
#      Ed25519, protobuf parse) and then CompiledRuleset.of, FETCHES times; the first (cold) separately
#   3. index poll cost: a real `gdn node` reading 3 stores that hold 100 environments × 100 flags, 1 s
#      polling; gdn_store_index_polls_total per store over WINDOW seconds, and the node's CPU meanwhile
# GCS is not measured: it has no server that runs here. Everything it starts is stopped on exit.
# Work: bench/out/sync-bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=../bin/find-jdk
. bin/find-jdk

PUBLISHES=${PUBLISHES:-100}
FETCHES=${FETCHES:-20}
WINDOW=${WINDOW:-30}
export GDN_JAVA_OPTS=${GDN_JAVA_OPTS:-"-Xmx160m -XX:+UseSerialGC"}
OUT=$ROOT/bench/out/sync-bench
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
JAVA="$JAVA_HOME/bin/java"

# shellcheck source=lib/children.sh
. "$ROOT/bench/lib/children.sh"
log() { echo "sync-bench: $*" >&2; }

log "building the CLI and the benchmarks module (JDK at $JAVA_HOME)"
./gdn --version >/dev/null
./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
rm -rf "$OUT" && mkdir -p "$OUT"
gdn() { "$JAVA" $GDN_JVM_FLAGS -jar "$ROOT/cli/target/gdn.jar" "$@"; }

# ---------------------------------------------------------------- 1 + 2
log "publish latency ($PUBLISHES publishes to 3 stores) and 10k-flag fetch ($FETCHES fetches)"
"$JAVA" $GDN_JVM_FLAGS -Xmx1g -cp "$BENCH_JAR" dev.gdn.bench.SyncBench "$OUT/sync" \
    "file://$OUT/sync/s1" "file://$OUT/sync/s2" "file://$OUT/sync/s3" \
    --publishes "$PUBLISHES" --fetches "$FETCHES" 2>"$OUT/syncbench.err" | tee "$OUT/syncbench.txt" >&2
log "publish latency ($PUBLISHES publishes to 2 file stores + S3 on S3Proxy)"
"$JAVA" $GDN_JVM_FLAGS -Xmx1g -cp "$BENCH_JAR" dev.gdn.bench.SyncBench "$OUT/sync-s3" \
    "file://$OUT/sync-s3/s1" "file://$OUT/sync-s3/s2" s3proxy \
    --publishes "$PUBLISHES" --fetches 0 2>"$OUT/syncbench-s3.err" | tee "$OUT/syncbench-s3.txt" >&2
val() { awk -v k="$1" '$1 == k { print $2 }' "${2:-$OUT/syncbench.txt}"; }

# ---------------------------------------------------------------- 3
log "index poll cost: node on 3 stores × 100 environments × 100 flags, ${WINDOW}s window"
gdn keygen --out "$OUT/keys" >/dev/null
"$JAVA" $GDN_JVM_FLAGS -cp "$BENCH_JAR" dev.gdn.bench.PublishMany "file://$OUT/a" "$OUT/keys/gdn-signing.key" env 100 100 \
    "$OUT/keys-100.txt" 2>/dev/null >&2
cp -r "$OUT/a" "$OUT/b"
cp -r "$OUT/a" "$OUT/c"
./gdn node --host 127.0.0.1 --port 0 --store "file://$OUT/a" --store "file://$OUT/b" --store "file://$OUT/c" \
    --trust "$OUT/keys/gdn-signing.pub" --poll 1s --drain 1s >"$OUT/node.log" 2>&1 &
NODE_PID=$!
pids+=("$NODE_PID")
PORT=""
until [ -n "$PORT" ]; do
    kill -0 "$NODE_PID" 2>/dev/null || { cat "$OUT/node.log" >&2; exit 1; }
    sleep 0.05
    PORT=$(sed -n 's/^gdn node listening on port \([0-9][0-9]*\)$/\1/p' "$OUT/node.log")
done
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready"; do sleep 0.05; done
sleep 5 # past start-up
polls() { curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^gdn_store_index_polls_total\{/ {
    match($0, /store="[^"]*"/); s = substr($0, RSTART + 7, RLENGTH - 8); n[s] += $NF } END { for (s in n) print s, n[s] }' | sort; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$NODE_PID/stat"; }
polls >"$OUT/polls-0.txt"
c0=$(cpu_ticks)
t0=$(date +%s%N)
sleep "$WINDOW"
polls >"$OUT/polls-1.txt"
c1=$(cpu_ticks)
t1=$(date +%s%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
CPU_PCT=$(awk -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" -v s="$secs" 'BEGIN { printf "%.2f", 100 * c / hz / s }')
RSS=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$NODE_PID/status")
POLL_ROWS=$(join "$OUT/polls-0.txt" "$OUT/polls-1.txt" | awk -v s="$secs" '{ printf "%s %.2f\n", $1, ($3 - $2) / s }')

# ---------------------------------------------------------------- report
echo
echo "ruleset-sync bench — $(date -u '+%Y-%m-%d %H:%M UTC'), $("$JAVA" -version 2>&1 | head -n 1), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %s | %s |\n' "measure" "result"
printf '|%s|%s|\n' "---" "---"
printf '| %s | %s |\n' "publish 100 flags to 3 file stores, p50 / p99 (n=$PUBLISHES, min–max)" \
    "$(val publish_ms_p50) / $(val publish_ms_p99) ms ($(val publish_ms_min)–$(val publish_ms_max))"
S3=$OUT/syncbench-s3.txt
printf '| %s | %s |\n' "publish 100 flags to 2 file stores + S3 (S3Proxy), p50 / p99 (n=$PUBLISHES, min–max)" \
    "$(val publish_ms_p50 "$S3") / $(val publish_ms_p99 "$S3") ms ($(val publish_ms_min "$S3")–$(val publish_ms_max "$S3")); $(val publish_incomplete "$S3") publishes not taken by every store at once"
printf '| %s | %s |\n' "of which the S3 store's own write (artifact + index), p50 / p99 (min–max)" \
    "$(val store2_ms_p50 "$S3") / $(val store2_ms_p99 "$S3") ms ($(val store2_ms_min "$S3")–$(val store2_ms_max "$S3")); $(val store2_failed_calls "$S3") failed calls, retried by the publisher"
printf '| %s | %s |\n' "10k-flag artifact size" "$(val fetch_artifact_bytes) bytes"
printf '| %s | %s |\n' "fetch + verify 10k flags, first (cold JVM)" "$(val fetch_first_ms) ms (+ $(val fetch_first_compile_ms) ms compile)"
printf '| %s | %s |\n' "fetch + verify 10k flags, p50 / p99 (n=$((FETCHES - 1)), min–max)" \
    "$(val fetch_verify_ms_p50) / $(val fetch_verify_ms_p99) ms ($(val fetch_verify_ms_min)–$(val fetch_verify_ms_max))"
printf '| %s | %s |\n' "then CompiledRuleset.of 10k flags, p50 / p99" "$(val fetch_compile_ms_p50) / $(val fetch_compile_ms_p99) ms"
while read -r store rate; do
    printf '| %s | %s |\n' "index polls/s, $store (1 s poll, 100 envs)" "$rate"
done <<<"$POLL_ROWS"
printf '| %s | %s |\n' "node CPU while idle-polling 3 stores (100 envs)" "$CPU_PCT % of one core over ${secs}s"
printf '| %s | %s |\n' "node RSS idle (100 envs × 100 flags, 3 stores)" "$RSS MiB"
echo
echo "raw output: $OUT"
