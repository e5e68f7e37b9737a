#!/usr/bin/env bash
# aot-train.sh: the JDK AOT cache training run (JDK 25, JEP 483/514), run once at image build time.
#
# Starts `gdn node` in flag-file mode on the bundled example flags, with the same JVM options the
# entrypoint uses (an AOT cache only loads under compatible options), sends it the requests a live
# node serves (OFREP bulk and single, readiness, liveness, metrics), then stops it with SIGTERM like
# Fly does. On exit the JVM writes the cache to $GDN_AOT_CACHE. If anything here fails the image
# build fails; if the cache is ever unusable at run time the JVM ignores it and starts normally.
#
# Environment: JAVA_HOME (the runtime), GDN_HOME (holds gdn.jar, lib/, examples/flags.json),
# GDN_AOT_CACHE (output), GDN_JAVA_OPTS (heap and GC flags). Needs only bash (HTTP via /dev/tcp).
set -euo pipefail
: "${JAVA_HOME:?}" "${GDN_HOME:?}" "${GDN_AOT_CACHE:?}"
flags="$GDN_HOME/examples/flags.json"
log=$(mktemp)

# shellcheck disable=SC2086 # GDN_JAVA_OPTS is a list of options
"$JAVA_HOME/bin/java" ${GDN_JAVA_OPTS:-} --sun-misc-unsafe-memory-access=allow -XX:AOTCacheOutput="$GDN_AOT_CACHE" \
    -jar "$GDN_HOME/gdn.jar" node --flags "$flags" --host 127.0.0.1 --port 0 --drain 200ms >"$log" 2>&1 &
pid=$!

port=""
for _ in $(seq 1 600); do
    port=$(sed -n 's/^gdn node listening on port \([0-9][0-9]*\)$/\1/p' "$log")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "aot-train: node exited early" >&2; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { cat "$log" >&2; echo "aot-train: node did not start" >&2; kill "$pid"; exit 1; }

# request METHOD PATH [BODY]: one HTTP/1.1 exchange; prints the status line.
request() {
    local body=${3:-}
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf '%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
        "$1" "$2" "${#body}" "$body" >&3
    # Read by Content-Length: Helidon answers "Connection: close" but leaves closing to the client.
    local line status="" len=0
    IFS= read -r status <&3
    printf '%s\n' "${status%$'\r'}"
    while IFS= read -r line <&3; do
        line=${line%$'\r'}
        [ -z "$line" ] && break
        case "${line,,}" in content-length:*) len=${line#*:}; len=${len// /} ;; esac
    done
    [ "$len" -gt 0 ] && head -c "$len" <&3 >/dev/null
    exec 3<&-
}

contexts=(
    '{"context":{"targetingKey":"user-1","email":"ada@example.com","appVersion":"2.5.1","plan":"enterprise"}}'
    '{"context":{"targetingKey":"user-2","country":"NL","user":{"orgId":"acme"}}}'
    '{"context":{"targetingKey":"u","appVersion":"v2.4.0"}}'
    '{"context":{}}'
)
ok=0
for round in $(seq 1 50); do
    for c in "${contexts[@]}"; do
        request POST /ofrep/v1/evaluate/flags "$c" | grep -q ' 200' && ok=$((ok + 1))
    done
    request POST /ofrep/v1/evaluate/flags/new-checkout "${contexts[0]}" >/dev/null
    request GET /health/ready >/dev/null
    request GET /health/live >/dev/null
    [ $((round % 10)) -eq 0 ] && request GET /metrics >/dev/null
done
[ "$ok" -gt 0 ] || { cat "$log" >&2; echo "aot-train: no OFREP request succeeded" >&2; kill "$pid"; exit 1; }

kill -TERM "$pid"
wait "$pid" || true # 143 after SIGTERM is expected
rm -f "$log"
[ -s "$GDN_AOT_CACHE" ] || { echo "aot-train: no AOT cache written to $GDN_AOT_CACHE" >&2; exit 1; }
echo "aot-train: $ok OFREP answers; $(du -h "$GDN_AOT_CACHE" | cut -f1) AOT cache in $GDN_AOT_CACHE" >&2
