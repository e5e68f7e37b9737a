#!/usr/bin/env bash
# The suspenders against the belt, in one run: the classic API (embedded PostgreSQL) and a GDN node
# fed by the sync daemon from the same database, both serving the same 50-flag version; the same wrk
# script (bench/ofrep-bulk.lua, 1,000 contexts round-robin) against each, one after the other.
# Prints req/s, p50, p99 and the classic/node ratio. Loopback only; everything started is stopped.
#   bench/classic-bench.sh            (DURATION=15s CONNECTIONS=64 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=../bin/find-jdk
. bin/find-jdk

DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
export GDN_JAVA_OPTS=${GDN_JAVA_OPTS:-"-Xmx160m -XX:+UseSerialGC"}
OUT=$ROOT/bench/out/classic-bench
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
JAVA="$JAVA_HOME/bin/java"
TOKEN=bench-admin-token

# shellcheck source=lib/children.sh
. "$ROOT/bench/lib/children.sh"
log() { echo "classic-bench: $*" >&2; }

command -v wrk >/dev/null || { log "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

log "building the CLI and the benchmarks module (JDK at $JAVA_HOME)"
./gdn --version >/dev/null
./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
rm -rf "$OUT" && mkdir -p "$OUT"
gdn() { "$JAVA" $GDN_JVM_FLAGS -jar "$ROOT/cli/target/gdn.jar" "$@"; }
"$JAVA" -cp "$BENCH_JAR" dev.gdn.bench.BenchInputs flags 50 "$OUT/flags-50.json"
"$JAVA" -cp "$BENCH_JAR" dev.gdn.bench.BenchInputs contexts 1000 "$OUT/contexts.jsonl"
gdn keygen --out "$OUT/keys" >/dev/null

# start LOG PATTERN ARGS...: starts a gdn server, sets PID and PORT once it prints "PATTERN <port>"
start() {
    local logf=$1 pattern=$2
    shift 2
    "$JAVA" $GDN_JVM_FLAGS $GDN_JAVA_OPTS -jar "$ROOT/cli/target/gdn.jar" "$@" >"$logf" 2>&1 &
    PID=$!
    pids+=("$PID")
    PORT=""
    for _ in $(seq 1 6000); do
        PORT=$(sed -n "s/^$pattern \([0-9][0-9]*\)$/\1/p" "$logf")
        [ -n "$PORT" ] && return 0
        kill -0 "$PID" 2>/dev/null || { cat "$logf" >&2; log "exited"; exit 1; }
        sleep 0.01
    done
    log "did not start"; exit 1
}

GDN_ADMIN_TOKEN=$TOKEN start "$OUT/classic.log" "gdn classic listening on port" classic --data-dir "$OUT/data" --host 127.0.0.1 --port 0
CLASSIC="http://127.0.0.1:$PORT"
A="Authorization: Bearer $TOKEN"
until curl -sf -o /dev/null "$CLASSIC/health/live"; do sleep 0.05; done
curl -sf -X POST "$CLASSIC/admin/v1/environments" -H "$A" -d '{"id":"bench"}' >/dev/null
CLIENT_KEY=$(curl -sf -X POST "$CLASSIC/admin/v1/environments/bench/keys" -H "$A" -d '{"kind":"client"}' \
    | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
curl -sf -X PUT "$CLASSIC/admin/v1/environments/bench/flags" -H "$A" --data-binary @"$OUT/flags-50.json" >/dev/null

STORE=$(realpath "$OUT")/store
"$JAVA" $GDN_JVM_FLAGS -jar "$ROOT/cli/target/gdn.jar" sync --data-dir "$OUT/data" --to "file://$STORE" \
    --sign-key "$OUT/keys/gdn-signing.key" --poll 1s >"$OUT/sync.log" 2>&1 &
pids+=("$!")
until [ -f "$STORE/v1/index.pb" ]; do sleep 0.05; done
start "$OUT/node.log" "gdn node listening on port" node --store "file://$STORE" --trust "$OUT/keys/gdn-signing.pub" \
    --host 127.0.0.1 --port 0 --poll 1s --drain 1s
NODE="http://127.0.0.1:$PORT"
until curl -sf -o /dev/null "$NODE/health/ready"; do sleep 0.05; done

# The same version and context give the same body from both (belt = suspenders).
BODY=$(head -n 1 "$OUT/contexts.jsonl")
if ! cmp -s <(curl -s -H "Authorization: Bearer $CLIENT_KEY" -d "$BODY" "$NODE/ofrep/v1/evaluate/flags") \
            <(curl -s -H "Authorization: Bearer $CLIENT_KEY" -d "$BODY" "$CLASSIC/ofrep/v1/evaluate/flags"); then
    log "node and classic answer differently"; exit 1
fi

run() { # NAME URL
    CONTEXTS_FILE=$OUT/contexts.jsonl CLIENT_KEY=$CLIENT_KEY wrk -t1 -c"$CONNECTIONS" -d5s -s bench/ofrep-bulk.lua "$2" >/dev/null
    CONTEXTS_FILE=$OUT/contexts.jsonl CLIENT_KEY=$CLIENT_KEY wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency \
        -s bench/ofrep-bulk.lua "$2" >"$OUT/wrk-$1.txt"
}
parse() {
    awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
         /Requests\/sec:/ { rps = $2 } $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
         /Non-2xx or 3xx responses:/ { err += $NF }
         END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, err + 0 }' "$1"
}
log "wrk -t1 -c$CONNECTIONS -d$DURATION OFREP bulk: node, then classic"
run node "$NODE"
run classic "$CLASSIC"
read -r N_RPS N_P50 N_P99 N_ERR < <(parse "$OUT/wrk-node.txt")
read -r C_RPS C_P50 C_P99 C_ERR < <(parse "$OUT/wrk-classic.txt")
echo "OFREP bulk, 50 flags, wrk -t1 -c$CONNECTIONS -d$DURATION, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %10s %10s %10s %8s\n' server "req/s" "p50 ms" "p99 ms" "non-2xx"
printf '%-22s %10s %10s %10s %8s\n' "gdn node (belt)" "$N_RPS" "$N_P50" "$N_P99" "$N_ERR"
printf '%-22s %10s %10s %10s %8s\n' "classic (suspenders)" "$C_RPS" "$C_P50" "$C_P99" "$C_ERR"
awk -v c="$C_RPS" -v n="$N_RPS" 'BEGIN { printf "classic / node: %.2f\n", c / n }'
