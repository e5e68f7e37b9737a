#!/usr/bin/env bash
# The cost of tracing on the node's bulk route (BENCHMARKS.md, "Tracing"). Loopback only.
#
#   bench/tracing-bench.sh                 about 3 minutes
#   DURATION=30s ROUNDS=3 bench/tracing-bench.sh
#
# Two `gdn node` processes over the same store (50 flags), side by side, with GDN_JAVA_OPTS (default
# "-Xmx160m -XX:+UseSerialGC"):
#   off  no OTEL_* variables (the default): W3C context is read from requests, nothing is recorded
#   on   OTEL_TRACES_EXPORTER=otlp (http/protobuf, batch processor) to a local sink that answers 200:
#        a SERVER span and a gdn.evaluate span per request, all sampled, exported
# wrk -t1 -c64 sends OFREP bulk requests (bench/ofrep-bulk.lua, 1,000 contexts), each with its own
# sampled traceparent (what a traced client sends), so "off" also pays for reading it. Both nodes are
# warmed up (WARMUP of bulk each), then the measured runs alternate off, on, off, on, ... (ROUNDS
# pairs), so both see the same phase of this shared machine. Reported: req/s, p50, p99 and the node's
# CPU time per request (from /proc) per run, and on/off ratios of the medians; an SVG of the runs.
# Everything it starts is stopped on exit. Work files: bench/out/tracing-bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=../bin/find-jdk
. bin/find-jdk

DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-20s}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-2}
export GDN_JAVA_OPTS=${GDN_JAVA_OPTS:-"-Xmx160m -XX:+UseSerialGC"}
OUT=$ROOT/bench/out/tracing-bench
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
JAVA="$JAVA_HOME/bin/java"

# shellcheck source=lib/children.sh
. "$ROOT/bench/lib/children.sh"
log() { echo "tracing-bench: $*" >&2; }

command -v wrk >/dev/null || { log "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v python3 >/dev/null || { log "needs python3 (the OTLP sink)"; exit 1; }

log "building the CLI and the benchmarks module (JDK at $JAVA_HOME)"
./gdn --version >/dev/null
./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
rm -rf "$OUT" && mkdir -p "$OUT"
gdn() { "$JAVA_HOME/bin/java" $GDN_JVM_FLAGS -jar "$ROOT/cli/target/gdn.jar" "$@"; }
inputs() { "$JAVA" -cp "$BENCH_JAR" dev.gdn.bench.BenchInputs "$@"; }

inputs flags 50 "$OUT/flags-50.json"
inputs contexts 1000 "$OUT/contexts.jsonl"
gdn keygen --out "$OUT/keys" >/dev/null
CLIENT_KEY=$(gdn apikey create --kind client --keys "$OUT/keys.json" 2>/dev/null)
STORE=$(realpath "$OUT")/store
gdn publish --flags "$OUT/flags-50.json" --env bench --sign-key "$OUT/keys/gdn-signing.key" --keys "$OUT/keys.json" \
    --to "file://$STORE" >/dev/null

# An OTLP/HTTP sink: takes every export and answers 200 with an empty (valid) protobuf response.
cat >"$OUT/sink.py" <<'PY'
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 "$OUT/sink.py" >"$OUT/sink.port" &
pids+=($!)
for _ in $(seq 1 500); do [ -s "$OUT/sink.port" ] && break; sleep 0.01; done
SINK_PORT=$(cat "$OUT/sink.port")

# start_node NAME [ENV=VALUE...]: a node in the background; sets PID_NAME and PORT_NAME
start_node() {
    local name=$1 port=""
    shift
    env "$@" GDN_AOT=0 ./gdn node --host 127.0.0.1 --port 0 --store "file://$STORE" --trust "$OUT/keys/gdn-signing.pub" \
        --poll 1s --drain 1s >"$OUT/node-$name.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 1 3000); do
        port=$(sed -n 's/^gdn node listening on port \([0-9][0-9]*\)$/\1/p' "$OUT/node-$name.log")
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || { cat "$OUT/node-$name.log" >&2; log "node $name exited"; exit 1; }
        sleep 0.01
    done
    until curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; do sleep 0.01; done
    printf -v "PID_$name" '%s' "$pid"
    printf -v "PORT_$name" '%s' "$port"
}
start_node off
start_node on OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT"

export CONTEXTS_FILE=$OUT/contexts.jsonl CLIENT_KEY TRACEPARENT=1
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# run NAME RUN [wrk args]: wrk against node NAME; keeps wrk's output and the node's CPU ticks
run() {
    local name=$1 tag=$2 pid port c0 c1
    shift 2
    pid=PID_$name port=PORT_$name
    c0=$(ticks "${!pid}")
    wrk -t1 -c"$CONNECTIONS" "$@" -s bench/ofrep-bulk.lua "http://127.0.0.1:${!port}" >"$OUT/wrk-$tag.txt"
    c1=$(ticks "${!pid}")
    echo $((c1 - c0)) >"$OUT/cpu-$tag.txt"
}
parse() { # FILE CPU_FILE: rps p50_ms p99_ms cpu_us_per_request non2xx
    awk -v ticks="$(cat "$2")" -v hz="$(getconf CLK_TCK)" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec:/ { rps = $2 } /requests in/ { n = $1 }
        $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
        /Non-2xx or 3xx responses:/ { err += $NF }
        END { printf "%.0f %.2f %.2f %.0f %d\n", rps, p50, p99, ticks * 1e6 / hz / n, err + 0 }' "$1"
}

log "warm-up: $WARMUP of bulk against each node"
run off warmup-off -d"$WARMUP"
run on warmup-on -d"$WARMUP"
for r in $(seq 1 "$ROUNDS"); do
    log "round $r: off, then on ($DURATION each)"
    run off "off-$r" -d"$DURATION" --latency
    run on "on-$r" -d"$DURATION" --latency
done
curl -s "http://127.0.0.1:$PORT_on/metrics" >"$OUT/metrics-on.txt"

echo "run rps p50_ms p99_ms cpu_us_per_req non2xx" >"$OUT/results.txt"
for r in $(seq 1 "$ROUNDS"); do
    for m in off on; do
        echo "$m-$r $(parse "$OUT/wrk-$m-$r.txt" "$OUT/cpu-$m-$r.txt")" >>"$OUT/results.txt"
    done
done
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
col() { awk -v m="$1" -v c="$2" '$1 ~ "^"m"-" { print $c }' "$OUT/results.txt" | median; }
for m in off on; do
    printf -v "RPS_$m" '%s' "$(col "$m" 2)"
    printf -v "P50_$m" '%s' "$(col "$m" 3)"
    printf -v "P99_$m" '%s' "$(col "$m" 4)"
    printf -v "CPU_$m" '%s' "$(col "$m" 5)"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
EXPORTED=$(awk '/^gdn_http_server_requests_seconds_count\{route="ofrep_bulk",status="200"/ { s += $NF } END { printf "%.0f", s }' "$OUT/metrics-on.txt")

# SVG: req/s and CPU per request of every run, off (grey) and on (blue), as two groups of bars
svg_bars() { # COLUMN X0 LABEL: one group of bars from results.txt
    awk -v col="$1" -v x0="$2" -v label="$3" -v h=300 'NR > 1 { name[NR] = $1; v[NR] = $col; if ($col > max) max = $col }
        END {
            x = x0
            for (i = 2; i <= NR; i++) {
                bh = (h - 90) * v[i] / max
                printf "<rect x=\"%d\" y=\"%.0f\" width=\"28\" height=\"%.0f\" fill=\"%s\"/>\n", x, h - 50 - bh, bh,
                    name[i] ~ /^on/ ? "#3b6fb6" : "#9a9a9a"
                printf "<text x=\"%d\" y=\"%.0f\">%d</text>\n", x - 4, h - 54 - bh, v[i]
                printf "<text x=\"%d\" y=\"%d\">%s</text>\n", x, h - 35, name[i]
                x += 40
            }
            printf "<text x=\"%d\" y=\"%d\">%s</text>\n", x0, h - 15, label
        }' "$OUT/results.txt"
}
{
    echo "<svg xmlns='http://www.w3.org/2000/svg' width='$((80 + 80 * ROUNDS * 2 + 60))' height='300' font-family='sans-serif' font-size='12'>"
    echo "<text x='10' y='18' font-size='14'>gdn node, OFREP bulk, wrk -t1 -c$CONNECTIONS: tracing off (grey) vs on (blue), runs of $DURATION</text>"
    svg_bars 2 40 "req/s per run"
    svg_bars 5 $((40 + 40 * ROUNDS * 2 + 40)) "node CPU us per request"
    echo "</svg>"
} >"$OUT/tracing.svg"

cat "$OUT/results.txt" | column -t
echo
echo "Tracing on the bulk route ($(date -u +%Y-%m-%d), $(nproc) cores, loaded machine; medians of $ROUNDS alternating runs of $DURATION)"
echo "| | tracing off | tracing on (OTLP, all sampled) | on/off |"
echo "|---|---|---|---|"
echo "| req/s | $RPS_off | $RPS_on | $(ratio "$RPS_on" "$RPS_off") |"
echo "| p50 ms | $P50_off | $P50_on | $(ratio "$P50_on" "$P50_off") |"
echo "| p99 ms | $P99_off | $P99_on | $(ratio "$P99_on" "$P99_off") |"
echo "| node CPU µs/request | $CPU_off | $CPU_on | $(ratio "$CPU_on" "$CPU_off") |"
echo "(requests the traced node answered: $EXPORTED; picture: $OUT/tracing.svg)"
