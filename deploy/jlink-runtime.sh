#!/usr/bin/env bash
# jlink-runtime.sh APP_DIR OUT_DIR
#
# Builds a Java runtime holding exactly the modules the gdn CLI (APP_DIR/gdn.jar and APP_DIR/lib/*.jar)
# needs, as jdeps finds them, into OUT_DIR. Uses the JDK at JAVA_HOME. Run by the Dockerfile; runnable
# by hand on any Linux JDK 21+ to check the module list (it prints it).
#
# What jdeps cannot see (reflection, ServiceLoader) was checked by hand on JDK 25:
#   - Ed25519 and SHA-256 live in java.base on JDK 22+ (sun.security.ec.ed); jdk.crypto.ec is an empty
#     module there, so it is not added.
#   - Micrometer's ProcessorMetrics reads com.sun.management by reflection: jdk.management, which
#     jdeps already reports (other code uses it directly).
# GDN_JLINK_EXTRA_MODULES adds more (comma-separated), e.g. jdk.jfr to profile a running node.
set -euo pipefail
app=${1:?usage: jlink-runtime.sh APP_DIR OUT_DIR}
out=${2:?usage: jlink-runtime.sh APP_DIR OUT_DIR}
jdk=${JAVA_HOME:?JAVA_HOME must point at a JDK}

feature=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1)
modules=$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release "$feature" --print-module-deps \
    --class-path "$app/lib/*" "$app/gdn.jar")
if [ -n "${GDN_JLINK_EXTRA_MODULES:-}" ]; then
    modules="$modules,$GDN_JLINK_EXTRA_MODULES"
fi
echo "jlink-runtime: modules: $modules" >&2

rm -rf "$out"
# No --compress: an uncompressed module image starts faster, and start-up is what the AOT cache is for.
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --generate-cds-archive --output "$out"
echo "jlink-runtime: $(du -sh "$out" | cut -f1) in $out" >&2
