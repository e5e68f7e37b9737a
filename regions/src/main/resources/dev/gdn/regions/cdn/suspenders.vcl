vcl 4.1;
#
# GDN suspenders POP: the CDN in front of the classic API (the suspenders).
#
# The same caching policy as the belt (gdn-cdn.vcl); the origins (gdn-origins.vcl, generated per POP)
# are the classic API instances. The classic API purges this POP when it installs a new version
# (`gdn classic --cdn-purge URL`), right after the commit: there is no fallback lagging behind it.
#
# The classic API also serves the admin API (the control plane) on the same port. A CDN is for
# delivery only, so this POP refuses /admin/ outright: operators reach the admin API directly.
#
# Run by hand:
#   varnishd -F -n /tmp/suspenders -a 127.0.0.1:6091 -i suspenders \
#       -f /abs/path/suspenders.vcl -s malloc,64m   # with gdn-origins.vcl next to it
#
# FASTLY: a second Fastly service with the classic API as its backend; keep the /admin/ refusal.
#
import std;
import var;
import xkey;
import directors;

include "./gdn-origins.vcl";

sub vcl_recv {
    if (req.url ~ "^/admin(/|$)") {
        return (synth(404, "the admin API is not served through the CDN"));
    }
}

include "./gdn-cdn.vcl";
