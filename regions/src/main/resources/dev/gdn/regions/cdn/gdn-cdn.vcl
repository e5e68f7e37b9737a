#
# GDN CDN policy: what a POP caches, for how long, how it survives its origins failing, and how a
# publish purges it. Shared by the belt POP (belt.vcl, in front of GDN nodes) and the suspenders POP
# (suspenders.vcl, in front of the classic API). Varnish 7.1 with Debian's varnish-modules.
#
# The entry file must `import std; import var; import xkey; import directors;` and include, before
# this file, the origins file (gdn-origins.vcl, generated per POP; see gdn-origins.example.vcl) that
# declares the backends and these subroutines:
#   gdn_origin_recv     sets req.backend_hint (the POP's fallback director, for health checks)
#   gdn_origin_fetch    sets bereq.backend for attempt number bereq.retries (the next origin on a retry)
#   gdn_origin_retry    return (retry) while another origin is left to try
#
# What a client sees:
#   X-Cache: HIT     a fresh cached answer
#            STALE   an expired or superseded answer kept for stale-while-revalidate / stale-if-error
#                    (grace): the origins failed, or the POP revalidates in the background
#            MISS    fetched from an origin now (for the cacheable route)
#            PASS    never cached: OFREP POSTs, the ruleset download, event streams, health, metrics
#   Via: 1.1 <POP name> (Varnish/7.1), appended to any Via of the origin's.
#
# FASTLY: Fastly runs VCL 2.x (a Varnish 2.1 dialect), so the policy ports but the syntax differs. Each
# "FASTLY:" note below says what to use there. In short: Fastly reads `Surrogate-Key` natively (no xkey),
# honours `s-maxage`, `stale-while-revalidate` and `stale-if-error` from Cache-Control without VCL, purges
# through its API (`POST /service/{id}/purge/{key}` with `Fastly-Soft-Purge: 1`), and sets `X-Cache` and
# `Via` itself. What remains to port is the routing (cache the CDN GET, pass the rest), the version floor
# (edge dictionaries or a KV store instead of vmod_var) and the origin choice (Fastly directors and shields).
#

# PURGE is accepted from loopback only: on this machine the GDN nodes and the classic API send it.
# A production POP lists its origins' addresses here, or requires a token header.
# FASTLY: purge through the API with a token instead; remove this ACL.
acl gdn_purgers {
    "127.0.0.0"/8;
    "::1";
}

# The one route whose answer depends on the URL alone: GET /gdn/v1/evaluate/{clientKey}/{context}.
# (No query string: a request with one is passed, never cached, so it cannot bust or poison the cache.)

sub vcl_recv {
    call gdn_origin_recv;
    if (req.restarts == 0) {
        var.set("gdn-cache", "PASS");
    }

    # The POP's own liveness, answered without asking any origin (runners and status pages poll it).
    if (req.url == "/gdn/cdn/live") {
        return (synth(200, "live"));
    }
    if (req.method == "PURGE") {
        call gdn_purge;
    }

    if ((req.method == "GET" || req.method == "HEAD") && req.url ~ "^/gdn/v1/evaluate/[^/?]+/[^/?]+$") {
        # The key is in the URL and pinning does not apply to this route: the origin ignores these
        # headers here, so they must not make the answer uncacheable (or reach the origin at all).
        unset req.http.Authorization;
        unset req.http.X-API-Key;
        unset req.http.Cookie;
        unset req.http.GDN-Ruleset-Version;
        if (var.get("gdn-mode") == "fresh") {
            # vcl_hit found a superseded copy while an origin is up: fetch now, using the copy only to
            # revalidate (If-None-Match) rather than serving it.
            set req.grace = 0s;
        } elsif (var.get("gdn-mode") != "stale-ok" && std.healthy(req.backend_hint)) {
            # An origin is up: an expired copy is served only within the origins' stale-while-revalidate
            # (while Varnish refreshes it in the background); past that, the lookup is a miss that
            # revalidates it. With every origin down, or after a failed fetch, the copy's whole grace
            # (stale-if-error) applies.
            set req.grace = std.duration(var.global_get("gdn-swr"), 0s);
        }
        return (hash);
    }

    # Everything else goes to an origin every time: OFREP POSTs and the ruleset download carry API keys
    # in headers, event streams are long-lived, health and metrics describe one origin.
    if (req.url ~ "^/[^?]*/events(\?|$)") {
        # An OFREP event stream (SSE) is one response that lasts for hours (see also vcl_backend_fetch).
        set sess.send_timeout = 24h;
        set sess.idle_send_timeout = 1h;
    }
    if (req.method == "POST") {
        if (std.integer(req.http.Content-Length, 0) > 65536) {
            # As GDN servers answer: OFREP contexts are at most 64 KiB.
            return (synth(413, "request body larger than 64 KiB"));
        }
        # Keep the body so a failed attempt can go on to the next origin.
        std.cache_req_body(64KB);
    }
    return (pass);
}

# Cache by URL only: clients reach a POP under several names (directly, through latency links), and
# every one of them must share one copy. The origin's Vary (Origin, when an environment restricts
# browser origins) still splits copies where the answer differs.
sub vcl_hash {
    hash_data(req.url);
    return (lookup);
}

sub vcl_hit {
    # A copy older than the newest version this POP has heard of for its environment is superseded:
    # a publish raised the floor (see gdn_purge) or another origin already answered with a newer one.
    # FASTLY: keep the floor per surrogate key in an edge dictionary / KV store updated by the purger.
    if (std.integer(var.global_get("gdn-floor " + obj.http.xkey), 0)
            > std.integer(obj.http.GDN-Ruleset-Version, 0)) {
        var.set("gdn-superseded", "yes");
    }
    if (obj.ttl >= 0s && var.get("gdn-superseded") != "yes") {
        var.set("gdn-cache", "HIT");
        return (deliver);
    }
    # Expired within the grace vcl_recv allowed (stale-while-revalidate, or stale-if-error when no origin
    # answers): served, and refreshed in the background. A superseded copy only when no origin answers.
    if (var.get("gdn-superseded") != "yes"
            || var.get("gdn-mode") == "stale-ok" || !std.healthy(req.backend_hint)) {
        var.set("gdn-cache", "STALE");
        return (deliver);
    }
    # A publish must show on the next request: look the URL up again with no grace (vcl_hit cannot
    # return miss in Varnish 7.1). This lookup counts as a grace hit in varnishstat, the next as a miss.
    var.set("gdn-mode", "fresh");
    return (restart);
}

sub vcl_miss {
    if (var.get("gdn-mode") == "stale-ok") {
        # Back here after the origins failed, and there is no copy to serve stale.
        return (synth(503, "no origin answered and this POP holds no copy of this answer"));
    }
    var.set("gdn-cache", "MISS");
}

sub vcl_pass {
    var.set("gdn-cache", "PASS");
}

sub vcl_backend_fetch {
    call gdn_origin_fetch;
    if (bereq.url ~ "^/[^?]*/events(\?|$)") {
        # OFREP event streams (SSE) stay open and quiet for long stretches.
        set bereq.first_byte_timeout = 1h;
        set bereq.between_bytes_timeout = 1h;
    }
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        call gdn_origin_retry;
        if (bereq.uncacheable) {
            return (deliver); # a passed request gets the origin's own error
        }
        # Never cache it, and never let it replace a copy that stale-if-error can still serve: the
        # client side then serves that copy (vcl_synth restarts for it) or a 503.
        return (abandon);
    }
    if (bereq.uncacheable) {
        return (deliver);
    }

    # The cacheable route from here on.
    if (beresp.status != 200
            || beresp.http.Set-Cookie
            || beresp.http.Vary == "*"
            || beresp.http.Cache-Control ~ "(?i)(no-store|no-cache|private)") {
        # Errors (401 unknown key, 403, 400 bad context, 404, 413, 429) are never cached: the next
        # request asks again. ttl 0 keeps no hit-for-miss object either.
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }

    # xkey indexes objects by the `xkey` header; GDN origins name the environment in Surrogate-Key.
    # FASTLY: not needed, Fastly indexes Surrogate-Key itself.
    set beresp.http.xkey = beresp.http.Surrogate-Key;

    # Never keep an answer older than the newest version this POP has seen for the environment: a
    # fallback origin in another region that has not swapped yet answers the client, uncached.
    if (std.integer(beresp.http.GDN-Ruleset-Version, 0)
            < std.integer(var.global_get("gdn-floor " + beresp.http.xkey), 0)) {
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.http.xkey && beresp.http.GDN-Ruleset-Version ~ "^[0-9]+$"
            && std.integer(beresp.http.GDN-Ruleset-Version, 0)
                > std.integer(var.global_get("gdn-floor " + beresp.http.xkey), 0)) {
        var.global_set("gdn-floor " + beresp.http.xkey, beresp.http.GDN-Ruleset-Version);
    }

    # TTL: Varnish takes s-maxage (before max-age) from Cache-Control, and grace from
    # stale-while-revalidate, which vcl_recv applies while an origin is up (the origins of one POP share
    # one policy: the last one seen counts). Keep the copy for stale-if-error too when that is longer.
    # FASTLY: automatic (Fastly maps stale-while-revalidate and stale-if-error to its own grace).
    if (var.global_get("gdn-swr") != beresp.grace + "s") {
        var.global_set("gdn-swr", beresp.grace + "s");
    }
    if (std.duration(regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1s"), 0s)
            > beresp.grace) {
        set beresp.grace = std.duration(regsub(beresp.http.Cache-Control,
                "^.*stale-if-error=([0-9]+).*$", "\1s"), 0s);
    }
    return (deliver);
}

sub vcl_backend_error {
    # The origin could not be reached, or timed out.
    call gdn_origin_retry;
    if (!bereq.uncacheable) {
        return (abandon); # keep any stale copy; the client side decides (see vcl_synth)
    }
    set beresp.http.Content-Type = "application/json";
    set beresp.http.Cache-Control = "no-store";
    set beresp.http.Retry-After = "1";
    set beresp.http.Access-Control-Allow-Origin = "*";
    set beresp.body = {"{"errorDetails":"CDN "} + server.identity
            + ": no origin answered (" + beresp.reason + ")" + {"""} + "}";
    return (deliver);
}

sub vcl_deliver {
    set resp.http.X-Cache = var.get("gdn-cache");
    # Varnish has appended its own Via; name the POP in it.
    set resp.http.Via = regsub(resp.http.Via, "1\.1 [^ ,]+ \(Varnish/[^)]*\)$",
            "1.1 " + server.identity + " (Varnish/7.1)");
    # Internal to the POP. (Fastly strips Surrogate-Key from responses too.)
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}

sub vcl_synth {
    set resp.http.X-Cache = var.get("gdn-cache");
    set resp.http.Via = "1.1 " + server.identity + " (Varnish/7.1)";
    set resp.http.Cache-Control = "no-store";
    set resp.http.Content-Type = "application/json";
    if (req.url == "/gdn/cdn/live" && resp.status == 200) {
        set resp.body = {"{"pop":""} + server.identity + {"","status":"live""} + "}";
        return (deliver);
    }
    if (req.method == "PURGE") {
        set resp.body = {"{"pop":""} + server.identity + {"","status":"} + resp.status
                + {","detail":""} + resp.reason + {"""} + "}";
        return (deliver);
    }
    if (resp.status == 503 && var.get("gdn-mode") != "stale-ok"
            && (req.method == "GET" || req.method == "HEAD")
            && req.url ~ "^/gdn/v1/evaluate/[^/?]+/[^/?]+$") {
        # The fetch failed on every origin: look again, this time accepting a stale copy (stale-if-error).
        var.set("gdn-mode", "stale-ok");
        return (restart);
    }
    set resp.http.Retry-After = "1";
    set resp.http.Access-Control-Allow-Origin = "*";
    set resp.body = {"{"errorDetails":"CDN "} + server.identity + ": " + resp.reason + {"""} + "}";
    return (deliver);
}

# PURGE / with `xkey: env-<environmentId>` (one or more surrogate keys, space-separated).
#  - With `GDN-Ruleset-Version: N` (what GDN servers send after swapping to version N of that one
#    environment): raise the environment's version floor to N and soft-purge its copies. A superseded
#    copy is then never served while an origin answers (vcl_hit), yet still serves stale-if-error when
#    none does, and answers older than N from origins that have not swapped yet are not cached. Every
#    node sends this after its own swap; only the first for N purges, the others find the floor at N.
#  - Without it (an operator by hand): hard purge, the copies are gone.
# FASTLY: POST /service/{id}/purge/env-<id> with Fastly-Soft-Purge: 1, and update the floor's dictionary.
sub gdn_purge {
    if (client.ip !~ gdn_purgers) {
        return (synth(403, "PURGE is accepted from loopback only"));
    }
    if (!req.http.xkey) {
        return (synth(400, "PURGE needs an xkey header naming the surrogate keys"));
    }
    if (req.http.GDN-Ruleset-Version) {
        if (req.http.GDN-Ruleset-Version !~ "^[0-9]+$" || req.http.xkey !~ "^[^ ,]+$") {
            return (synth(400, "GDN-Ruleset-Version must be a number, with exactly one surrogate key"));
        }
        if (std.integer(req.http.GDN-Ruleset-Version, 0)
                <= std.integer(var.global_get("gdn-floor " + req.http.xkey), 0)) {
            # Another origin already announced this version (every node purges after its own swap):
            # copies fetched since are current, leave them be.
            return (synth(200, "soft-purged 0 objects; " + req.http.xkey + " floor v"
                    + var.global_get("gdn-floor " + req.http.xkey)));
        }
        var.global_set("gdn-floor " + req.http.xkey, req.http.GDN-Ruleset-Version);
        return (synth(200, "soft-purged " + xkey.softpurge(req.http.xkey) + " objects; "
                + req.http.xkey + " floor v" + var.global_get("gdn-floor " + req.http.xkey)));
    }
    return (synth(200, "purged " + xkey.purge(req.http.xkey) + " objects"));
}
