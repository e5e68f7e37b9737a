package dev.gdn.node.server;

import io.helidon.common.uri.UriFragment;
import io.helidon.common.uri.UriPath;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which methods each path of a server answers, learnt by letting every service declare its routes a second time
 * into this recorder (Helidon's routing cannot be asked). With it a server answers a known path with an unknown
 * method 405 and an {@code Allow} header instead of 404, and HEAD wherever GET exists (the GET route runs and its
 * body is dropped; Helidon 4.5 routes HEAD only where a HEAD route is declared).
 */
final class RouteCatalog implements HttpRules {
    private static final List<Method> METHODS = List.of(Method.GET, Method.HEAD, Method.POST, Method.PUT, Method.DELETE,
            Method.PATCH, Method.OPTIONS);
    private final List<HttpRoute> routes = new ArrayList<>();

    @Override
    public HttpRules register(HttpService... services) {
        for (HttpService s : services) {
            s.routing(this);
        }
        return this;
    }

    @Override
    public HttpRules register(String pathPattern, HttpService... services) {
        return this; // services under a path prefix are not catalogued: their unknown methods stay 404
    }

    @Override
    public HttpRules route(HttpRoute route) {
        routes.add(route);
        return this;
    }

    /** The methods some route accepts for this path, HEAD included where GET is; empty for an unknown path. */
    Set<Method> allowed(String path) {
        Set<Method> allowed = new LinkedHashSet<>();
        for (Method m : METHODS) {
            HttpPrologue p = HttpPrologue.create("HTTP/1.1", "HTTP", "1.1", m, UriPath.create(path), UriQuery.empty(),
                    UriFragment.empty());
            for (HttpRoute r : routes) {
                if (r.accepts(p).accepted()) {
                    allowed.add(m);
                    break;
                }
            }
        }
        if (allowed.contains(Method.GET)) {
            allowed.add(Method.HEAD);
        }
        return allowed;
    }

    /** First filter: a HEAD with no HEAD route of its own runs as GET, its body discarded. */
    void headAsGet(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        HttpPrologue p = req.prologue();
        if (p.method() == Method.HEAD && !declared(p)) {
            req.prologue(HttpPrologue.create(p.rawProtocol(), p.protocol(), p.protocolVersion(), Method.GET, p.uriPath(),
                    p.query(), p.fragment()));
            res.streamFilter(out -> OutputStream.nullOutputStream());
        }
        chain.proceed();
    }

    private boolean declared(HttpPrologue p) {
        for (HttpRoute r : routes) {
            if (r.accepts(p).accepted()) {
                return true;
            }
        }
        return false;
    }

    /** The last route: nothing matched. A known path gets 405 with what it allows, an unknown one 404. */
    void unmatched(ServerRequest req, ServerResponse res, Rejections rejections) {
        Set<Method> allowed = allowed(req.path().path());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        if (allowed.isEmpty()) {
            res.status(404).send(dev.gdn.ruleset.ofrep.OfrepJson.errorDetails("no such resource: " + clip(req.path().path())));
            return;
        }
        String allow = allowed.stream().map(Method::text).collect(Collectors.joining(", "));
        rejections.record("method-not-allowed", req.prologue().method().text() + " on a path that allows " + allow);
        res.header(HeaderNames.ALLOW, allow);
        res.status(405).send(dev.gdn.ruleset.ofrep.OfrepJson.errorDetails(
                req.prologue().method().text() + " is not allowed here; allowed: " + allow));
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
