vcl 4.1;
#
# GDN belt POP: the CDN in front of the GDN nodes (the belt).
#
# Origins: the region's own node first, then the other regions' nodes as fallbacks, each probed on
# /health/ready (gdn-origins.vcl, generated per POP by dev.gdn.regions.cdn.VarnishPop; the shape is in
# gdn-origins.example.vcl). A request goes to the first healthy node; when that node fails before its
# probe notices, the same request is retried on the next node at once (bereq.retries).
#
# Purging: each node sends `PURGE /` with `xkey: env-<id>` and `GDN-Ruleset-Version: N` to every belt
# POP after it swaps to version N. Nodes in different regions swap at different moments, so a POP may
# be purged by one node and then fetch from another that still serves N-1: the version floor in
# gdn-cdn.vcl keeps such an answer out of the cache, and the lagging node's own purge follows.
#
# Run by hand:
#   varnishd -F -n /tmp/belt-ams -a 127.0.0.1:6081 -i belt-ams -p max_retries=2 \
#       -f /abs/path/belt.vcl -s malloc,64m       # with gdn-origins.vcl next to it
#
# FASTLY: one Fastly service per belt; the nodes are its backends (one per region, with a health check
# on /health/ready), and shielding or a fallback director replaces gdn-origins.vcl. See gdn-cdn.vcl.
#
import std;
import var;
import xkey;
import directors;

include "./gdn-origins.vcl";
include "./gdn-cdn.vcl";
