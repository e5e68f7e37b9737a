#!/usr/bin/env bash
# Latency links (regions/, dev.gdn.regions.link): what a link at 0 ms adds, measured against the same
# server reached directly, in alternating runs (the machine is shared: read the same-run ratios).
#
#   bench/link-bench.sh                       (about 2 minutes)
#   ROUNDS=5 DURATION=10s bench/link-bench.sh
#
#   1. throughput: wrk -t1 -c64 GET /health/live on dev.gdn.bench.HttpFloor (a bare Helidon server),
#      direct and through a 0 ms link, alternating ROUNDS times: req/s and p99 of each, link/direct per pair
#   2. light load: wrk -t1 -c1 --latency, direct and through the link, alternating: p50 and p99 of each,
#      and what the link adds to the p99
#   3. a link with 40 ms one way (+5 % jitter): the round trip's p50 should read ~80 ms plus the direct p50
# Prints a table and writes bench/out/link-bench/link-bench.svg. Loopback only; stops what it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=../bin/find-jdk
. bin/find-jdk

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
OUT=$ROOT/bench/out/link-bench
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
JAVA="$JAVA_HOME/bin/java"
mkdir -p "$OUT"

# shellcheck source=lib/children.sh
. "$ROOT/bench/lib/children.sh"
log() { echo "link-bench: $*" >&2; }

command -v wrk >/dev/null || { log "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
log "building the benchmarks jar"
./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests

wait_line() { # file pattern
    for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    cat "$1" >&2; return 1
}

"$JAVA" $GDN_JVM_FLAGS -Xmx128m -XX:+UseSerialGC -cp "$BENCH_JAR" dev.gdn.bench.HttpFloor 50 >"$OUT/floor.log" 2>&1 &
pids+=($!)
wait_line "$OUT/floor.log" "listening on port"
TARGET=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$OUT/floor.log" | head -1)
LINK0=$(shuf -i 30000-32000 -n 1)
LINK40=$((LINK0 + 1))
"$JAVA" $GDN_JVM_FLAGS -Xmx128m -XX:+UseSerialGC -cp "$BENCH_JAR" dev.gdn.bench.LinkProxy "$LINK0" "$TARGET" 0 1 >"$OUT/link0.log" 2>&1 &
pids+=($!)
LINK0_PID=$!
"$JAVA" $GDN_JVM_FLAGS -Xmx128m -XX:+UseSerialGC -cp "$BENCH_JAR" dev.gdn.bench.LinkProxy "$LINK40" "$TARGET" 40 1 >"$OUT/link40.log" 2>&1 &
pids+=($!)
wait_line "$OUT/link0.log" "link listening"
wait_line "$OUT/link40.log" "link listening"

# wrk's figures: req/s, requests, and the latency percentiles in ms
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
# the link process's CPU time in microseconds (utime + stime from /proc): its cost per request does not
# depend on how much of the machine it gets, unlike req/s and tail latency
cpu_us() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($14 + $15) * 1000000 / hz }' "/proc/$1/stat"; }
pct() { # file percent → ms
    awk -v p="$2%" '$1 == p { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; printf "%.3f\n", v }' "$1"
}
run() { # name url connections duration
    wrk -t1 -c"$3" -d"$4" --latency "$2" >"$OUT/$1.txt" 2>&1
}

log "warming up (JIT) both paths"
run warm-direct "http://127.0.0.1:$TARGET/health/live" 64 5s
run warm-link "http://127.0.0.1:$LINK0/health/live" 64 5s

: >"$OUT/rounds.tsv"
for r in $(seq 1 "$ROUNDS"); do
    log "round $r/$ROUNDS: throughput (c64), direct then link"
    run "direct-c64-$r" "http://127.0.0.1:$TARGET/health/live" 64 "$DURATION"
    cpu0=$(cpu_us "$LINK0_PID")
    run "link-c64-$r" "http://127.0.0.1:$LINK0/health/live" 64 "$DURATION"
    cpu1=$(cpu_us "$LINK0_PID")
    echo $(( (cpu1 - cpu0) / $(requests "$OUT/link-c64-$r.txt") )) >"$OUT/link-cpu-$r.txt"
    log "round $r/$ROUNDS: light load (c1), direct then link"
    run "direct-c1-$r" "http://127.0.0.1:$TARGET/health/live" 1 "$DURATION"
    run "link-c1-$r" "http://127.0.0.1:$LINK0/health/live" 1 "$DURATION"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" \
        "$(rps "$OUT/direct-c64-$r.txt")" "$(rps "$OUT/link-c64-$r.txt")" \
        "$(pct "$OUT/direct-c64-$r.txt" 99)" "$(pct "$OUT/link-c64-$r.txt" 99)" \
        "$(pct "$OUT/direct-c1-$r.txt" 50)" "$(pct "$OUT/link-c1-$r.txt" 50)" \
        "$(pct "$OUT/direct-c1-$r.txt" 99)" "$(pct "$OUT/link-c1-$r.txt" 99)" "$(cat "$OUT/link-cpu-$r.txt")" >>"$OUT/rounds.tsv"
done
log "a 40 ms one-way link, light load"
run link40-c1 "http://127.0.0.1:$LINK40/health/live" 1 "$DURATION"

echo
echo "link-bench $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$JAVA" -version 2>&1 | head -1)"
echo "round  c64 req/s direct  link   ratio   c64 p99 direct  link   c1 p50 direct  link   c1 p99 direct  link   added p99  link CPU/req"
awk -F'\t' '{ printf "%-6s %16.0f %6.0f %6.1f%% %14.2f %6.2f %13.3f %6.3f %13.3f %6.3f %8.3f ms %8d us\n",
    $1, $2, $3, 100*$3/$2, $4, $5, $6, $7, $8, $9, $9-$8, $10 }' "$OUT/rounds.tsv"
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf "median of %d rounds: link/direct throughput %.1f %%, link c64 %.0f req/s, added c1 p50 %.3f ms, added c1 p99 %.3f ms, link CPU %s us/request\n" \
    "$(wc -l <"$OUT/rounds.tsv")" \
    "$(awk -F'\t' '{ print 100 * $3 / $2 }' "$OUT/rounds.tsv" | median)" \
    "$(awk -F'\t' '{ print $3 }' "$OUT/rounds.tsv" | median)" \
    "$(awk -F'\t' '{ print $7 - $6 }' "$OUT/rounds.tsv" | median)" \
    "$(awk -F'\t' '{ print $9 - $8 }' "$OUT/rounds.tsv" | median)" \
    "$(awk -F'\t' '{ print $10 }' "$OUT/rounds.tsv" | median)"
printf "40 ms one-way link, c1: p50 %s ms, p99 %s ms (the direct p50 is in the table)\n" "$(pct "$OUT/link40-c1.txt" 50)" "$(pct "$OUT/link40-c1.txt" 99)"

# the picture: per round, throughput bars (direct, link) and the c1 p99 of each
awk -F'\t' -v out="$OUT/link-bench.svg" '
{ n++; d[n] = $2; l[n] = $3; pd[n] = $8; pl[n] = $9; if ($2 > m) m = $2; if ($3 > m) m = $3; if ($9 > mp) mp = $9; if ($8 > mp) mp = $8 }
END {
  w = 120 + n * 110; if (w < 600) w = 600; h = 300
  printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", w, h > out
  printf "<text x=\"10\" y=\"18\" font-weight=\"bold\">0 ms link vs direct: req/s at 64 connections (bars), p99 at 1 connection (labels)</text>\n" > out
  for (i = 1; i <= n; i++) {
    x = 60 + (i - 1) * 110; hd = 200 * d[i] / m; hl = 200 * l[i] / m
    printf "<rect x=\"%d\" y=\"%.1f\" width=\"40\" height=\"%.1f\" fill=\"#90a4ae\"/>", x, 250 - hd, hd > out
    printf "<rect x=\"%d\" y=\"%.1f\" width=\"40\" height=\"%.1f\" fill=\"#1e88e5\"/>\n", x + 44, 250 - hl, hl > out
    printf "<text x=\"%d\" y=\"%.1f\" font-size=\"10\">%.0fk</text><text x=\"%d\" y=\"%.1f\" font-size=\"10\">%.0fk</text>\n", x, 246 - hd, d[i] / 1000, x + 44, 246 - hl, l[i] / 1000 > out
    printf "<text x=\"%d\" y=\"268\">round %d</text><text x=\"%d\" y=\"284\" font-size=\"10\">p99 %.2f / %.2f ms</text>\n", x, i, x - 6, pd[i], pl[i] > out
  }
  printf "<rect x=\"%d\" y=\"30\" width=\"10\" height=\"10\" fill=\"#90a4ae\"/><text x=\"%d\" y=\"39\">direct</text>", w - 110, w - 96 > out
  printf "<rect x=\"%d\" y=\"46\" width=\"10\" height=\"10\" fill=\"#1e88e5\"/><text x=\"%d\" y=\"55\">through the link</text>\n</svg>\n", w - 110, w - 96 > out
}' "$OUT/rounds.tsv"
echo "picture: $OUT/link-bench.svg"
