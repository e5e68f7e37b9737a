#!/usr/bin/env bash
# aot-train.sh: the JDK AOT cache training run (JDK 25, JEP 483/514/515). Run once at image build
# time (Dockerfile) and by ./gdn before the first `gdn node` of each build.
#
# Trains the node the way production runs it: in store mode. It makes a signing key and a client key,
# publishes the example flags to a file store in a temporary directory, starts `gdn node` on that
# store with the same JVM options the real start uses (an AOT cache only loads under compatible
# options), sends it the requests a live node serves (OFREP bulk and single, the CDN GET, readiness,
# liveness, metrics), then stops it with SIGTERM like Fly does. On exit the JVM writes the cache
# (classes loaded and linked, and method profiles so the JIT starts warm) to $GDN_AOT_CACHE.
# If anything here fails the run fails; if the cache is ever unusable at run time the JVM ignores it
# and starts normally.
#
# Environment: JAVA_HOME (the runtime), GDN_HOME (holds gdn.jar and lib/), GDN_AOT_CACHE (output),
# GDN_JAVA_OPTS (heap and GC flags), GDN_JVM_FLAGS (the other flags the real start adds; default the
# entrypoint's --sun-misc-unsafe-memory-access=allow), GDN_TRAIN_FLAGS (a flagd file; default
# $GDN_HOME/examples/flags.json). Needs only bash and coreutils (HTTP via /dev/tcp).
set -euo pipefail
: "${JAVA_HOME:?}" "${GDN_HOME:?}" "${GDN_AOT_CACHE:?}"
flags=${GDN_TRAIN_FLAGS:-$GDN_HOME/examples/flags.json}
work=$(mktemp -d "${TMPDIR:-/tmp}/gdn-aot-train.XXXXXX")
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
log=$work/node.log

# The flags every start adds (an AOT cache loads only under the options it was trained with): the image's
# entrypoint adds the Unsafe one; ./gdn passes its own GDN_JVM_FLAGS (which also allow native access).
jvm_flags=${GDN_JVM_FLAGS:---sun-misc-unsafe-memory-access=allow}
# shellcheck disable=SC2086 # GDN_JAVA_OPTS and jvm_flags are lists of options
gdn() { "$JAVA_HOME/bin/java" ${GDN_JAVA_OPTS:-} $jvm_flags -jar "$GDN_HOME/gdn.jar" "$@"; }
gdn keygen --out "$work/keys" >/dev/null
client_key=$(gdn apikey create --kind client --keys "$work/keys.json" 2>/dev/null)
gdn publish --flags "$flags" --env train --sign-key "$work/keys/gdn-signing.key" --keys "$work/keys.json" \
    --to "file://$work/store" >/dev/null

# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" ${GDN_JAVA_OPTS:-} $jvm_flags -XX:AOTCacheOutput="$GDN_AOT_CACHE" \
    -jar "$GDN_HOME/gdn.jar" node --store "file://$work/store" --trust "$work/keys/gdn-signing.pub" \
    --cache-dir "$work/cache" --host 127.0.0.1 --port 0 --drain 200ms >"$log" 2>&1 &
pid=$!

port=""
for _ in $(seq 1 600); do
    port=$(sed -n 's/^gdn node listening on port \([0-9][0-9]*\)$/\1/p' "$log")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "aot-train: node exited early" >&2; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { cat "$log" >&2; echo "aot-train: node did not start" >&2; exit 1; }

# request METHOD PATH [BODY]: one HTTP/1.1 exchange; prints the status line.
request() {
    local body=${3:-}
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf '%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
        "$1" "$2" "$client_key" "${#body}" "$body" >&3
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
cdn_context=$(printf '%s' '{"targetingKey":"user-3","plan":"pro"}' | base64 | tr -d '\n=' | tr '+/' '-_')
ok=0
for round in $(seq 1 50); do
    for c in "${contexts[@]}"; do
        request POST /ofrep/v1/evaluate/flags "$c" | grep -q ' 200' && ok=$((ok + 1))
    done
    request POST /ofrep/v1/evaluate/flags/new-checkout "${contexts[0]}" >/dev/null
    request GET "/gdn/v1/evaluate/$client_key/$cdn_context" >/dev/null
    request GET /health/ready >/dev/null
    request GET /health/live >/dev/null
    [ $((round % 10)) -eq 0 ] && request GET /metrics >/dev/null
done
[ "$ok" -gt 0 ] || { cat "$log" >&2; echo "aot-train: no OFREP request succeeded" >&2; exit 1; }

kill -TERM "$pid"
wait "$pid" || true # 143 after SIGTERM is expected
pid=""
[ -s "$GDN_AOT_CACHE" ] || { echo "aot-train: no AOT cache written to $GDN_AOT_CACHE" >&2; exit 1; }
echo "aot-train: $ok OFREP answers; $(du -h "$GDN_AOT_CACHE" | cut -f1) AOT cache in $GDN_AOT_CACHE" >&2
