#!/usr/bin/env bash
# Container entrypoint for a GDN node (Dockerfile, fly.toml): turns environment variables into
# `gdn node` arguments and execs the JVM, so the JVM gets Fly's SIGTERM and drains.
#
#   GDN_STORES       store URIs to read, space-separated (required): file:///…, s3://…, gs://…
#   GDN_TRUST        public key files whose signatures to accept, space-separated (baked in or mounted)
#   GDN_TRUST_PEM    or the public key itself (PEM text, e.g. from a Fly secret); written to a file
#   GDN_ENVS         environments to serve, space-separated (default: every one in the stores)
#   GDN_CACHE_DIR    last-known-good disk cache (default: none)
#   GDN_POLL         store index poll interval (node default 500ms)
#   GDN_STORE_TIMEOUT per store call (node default 5s)
#   GDN_DRAIN        graceful shutdown budget (node default 10s). The node reports 503 on readiness for
#                    half of it, then stops listening and gives in-flight requests up to the whole of it
#                    again: fly.toml's kill_timeout must be at least 1.5 × GDN_DRAIN.
#   GDN_MAX_CONNECTIONS open connections served at once (node default 10000; either way lowered at start to
#                    what half the heap and the file descriptors hold, which the node's start line reports)
#   GDN_HEADER_TIMEOUT, GDN_BODY_TIMEOUT, GDN_IDLE_TIMEOUT  a request's head must arrive within, its body within,
#                    and a kept-alive connection is closed when idle for (node defaults 10s, 30s, 60s)
#   GDN_JAVA_OPTS    JVM options (heap, GC)
#   GDN_AOT_CACHE    the JDK AOT cache the image was trained with (used when the file exists)
# The node itself reads PORT (listen port), FLY_REGION and FLY_MACHINE_ID (GDN-Served-By).
# Arguments given to the container are appended to `gdn node`.
set -euo pipefail
GDN_HOME=${GDN_HOME:-/app}
java="${JAVA_HOME:-/opt/gdn-jre}/bin/java"

args=(node)
read -r -a stores <<<"${GDN_STORES:-}"
if [ "${#stores[@]}" -eq 0 ]; then
    echo "entrypoint: set GDN_STORES to the store URIs to read (space-separated)" >&2
    exit 2
fi
for s in "${stores[@]}"; do args+=(--store "$s"); done

read -r -a trust <<<"${GDN_TRUST:-}"
if [ -n "${GDN_TRUST_PEM:-}" ]; then
    pem=$(mktemp "${TMPDIR:-/tmp}/gdn-trust.XXXXXX.pub")
    printf '%s\n' "$GDN_TRUST_PEM" >"$pem"
    trust+=("$pem")
fi
if [ "${#trust[@]}" -eq 0 ]; then
    echo "entrypoint: set GDN_TRUST (public key files) or GDN_TRUST_PEM (a public key) so rulesets can be verified" >&2
    exit 2
fi
for t in "${trust[@]}"; do args+=(--trust "$t"); done

read -r -a envs <<<"${GDN_ENVS:-}"
for e in "${envs[@]}"; do args+=(--env "$e"); done
[ -n "${GDN_CACHE_DIR:-}" ] && args+=(--cache-dir "$GDN_CACHE_DIR")
[ -n "${GDN_POLL:-}" ] && args+=(--poll "$GDN_POLL")
[ -n "${GDN_STORE_TIMEOUT:-}" ] && args+=(--store-timeout "$GDN_STORE_TIMEOUT")
[ -n "${GDN_DRAIN:-}" ] && args+=(--drain "$GDN_DRAIN")
[ -n "${GDN_MAX_CONNECTIONS:-}" ] && args+=(--max-connections "$GDN_MAX_CONNECTIONS")
[ -n "${GDN_HEADER_TIMEOUT:-}" ] && args+=(--header-timeout "$GDN_HEADER_TIMEOUT")
[ -n "${GDN_BODY_TIMEOUT:-}" ] && args+=(--body-timeout "$GDN_BODY_TIMEOUT")
[ -n "${GDN_IDLE_TIMEOUT:-}" ] && args+=(--idle-timeout "$GDN_IDLE_TIMEOUT")

read -r -a jvm <<<"${GDN_JAVA_OPTS:-}"
# protobuf-java still uses sun.misc.Unsafe; JDK 23+ warns on every start unless allowed.
jvm+=(--sun-misc-unsafe-memory-access=allow)
if [ -n "${GDN_AOT_CACHE:-}" ] && [ -f "$GDN_AOT_CACHE" ]; then
    # AOTMode defaults to auto: a cache that does not match (other JVM options) is ignored with a warning.
    # (adapter code caching only prints a harmless JDK 25 warning about adapter names: off)
    jvm+=("-XX:AOTCache=$GDN_AOT_CACHE" -XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching)
fi

exec "$java" "${jvm[@]}" -jar "$GDN_HOME/gdn.jar" "${args[@]}" "$@"
