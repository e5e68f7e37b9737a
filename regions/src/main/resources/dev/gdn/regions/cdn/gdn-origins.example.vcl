#
# What dev.gdn.regions.cdn.VarnishPop generates as gdn-origins.vcl, here for the belt POP of region ams
# in a three-region world (ams, then iad and syd as fallbacks). Copy it to gdn-origins.vcl next to
# belt.vcl (or suspenders.vcl, with the classic API as the only origin) to run a POP by hand.
#
# A node counts as healthy while /health/ready answers 200 (it has a verified ruleset for every
# environment and is not draining); 2 good probes out of the last 3 mark it up, and it starts up.
probe gdn_ready {
    .url = "/health/ready";
    .expected_response = 200;
    .interval = 1s;
    .timeout = 500ms;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

backend origin_0 { .host = "127.0.1.2"; .port = "8080"; .probe = gdn_ready;
    .connect_timeout = 500ms; .first_byte_timeout = 5s; .between_bytes_timeout = 5s; }
backend origin_1 { .host = "127.0.2.2"; .port = "8080"; .probe = gdn_ready;
    .connect_timeout = 500ms; .first_byte_timeout = 5s; .between_bytes_timeout = 5s; }
backend origin_2 { .host = "127.0.3.2"; .port = "8080"; .probe = gdn_ready;
    .connect_timeout = 500ms; .first_byte_timeout = 5s; .between_bytes_timeout = 5s; }

# One fallback director per attempt: attempt k starts at origin k, so a retry never asks the origin
# that just failed (the probes may not have noticed yet).
sub vcl_init {
    new gdn_attempt_0 = directors.fallback();
    gdn_attempt_0.add_backend(origin_0);
    gdn_attempt_0.add_backend(origin_1);
    gdn_attempt_0.add_backend(origin_2);
    new gdn_attempt_1 = directors.fallback();
    gdn_attempt_1.add_backend(origin_1);
    gdn_attempt_1.add_backend(origin_2);
    gdn_attempt_1.add_backend(origin_0);
    new gdn_attempt_2 = directors.fallback();
    gdn_attempt_2.add_backend(origin_2);
    gdn_attempt_2.add_backend(origin_0);
    gdn_attempt_2.add_backend(origin_1);
}

sub gdn_origin_recv {
    set req.backend_hint = gdn_attempt_0.backend();
}

sub gdn_origin_fetch {
    if (bereq.retries == 0) {
        set bereq.backend = gdn_attempt_0.backend();
    } elsif (bereq.retries == 1) {
        set bereq.backend = gdn_attempt_1.backend();
    } else {
        set bereq.backend = gdn_attempt_2.backend();
    }
}

sub gdn_origin_retry {
    if (bereq.retries < 2) {
        return (retry);
    }
}
