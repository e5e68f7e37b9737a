#!/usr/bin/env bash
# client-web figures from Debian's Chromium through a real 2-region world (`gdn world up --regions ams,iad`:
# Varnish belt POPs and the suspenders POP, a latency link per client→tier path, the page in ams): the
# latency a black-holed first tier (ams's belt CDN link) adds to a context change, and publish (the
# world's admin API) → the page's flag changes without a reload. Runs cli's WebClientBrowserTest with more
# samples and publish rounds, then prints target/web-browser-figures.json.
#   bench/web-bench.sh              30 latency samples per case, 20 publishes
#   bench/web-bench.sh 50 40        samples, publishes
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../bin/find-jdk
. bin/find-jdk
(cd client-web && npm ci --no-audit --no-fund --loglevel=error >/dev/null && node build.mjs)
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(/usr/bin/chromium --version 2>/dev/null); load: $(uptime | sed 's/.*load average: //')"
./mvnw -B -q -pl cli -am verify -Dtest=WebClientBrowserTest -Dsurefire.failIfNoSpecifiedTests=false -Dgdn.fuzz.skip=true \
    -Dgdn.web.samples="${1:-30}" -Dgdn.web.rounds="${2:-20}" >/tmp/gdn-web-bench.log 2>&1 \
    || { tail -50 /tmp/gdn-web-bench.log; exit 1; }
mkdir -p bench/out
cp cli/target/web-browser-figures.json bench/out/web-browser-figures.json
cat bench/out/web-browser-figures.json
echo "# load after: $(uptime | sed 's/.*load average: //')"
