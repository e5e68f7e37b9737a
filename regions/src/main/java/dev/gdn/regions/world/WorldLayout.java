package dev.gdn.regions.world;

import dev.gdn.regions.catalog.Region;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where every part of a world listens. Region number N (1..8, in --regions order) owns 127.0.N.0/24:
 * the addresses a client in that region uses are links ({@code .1} belt CDN, {@code .2} node, {@code .3}
 * suspenders CDN, {@code .4} classic API, as in SPEC §6), and the region's own servers sit behind them
 * ({@code .11} belt POP, {@code .12} node). Shared parts sit in 127.0.100.0/24. Every part uses the same
 * port, so an address alone says what a part is.
 */
public record WorldLayout(List<Region> regions, int port) {
    public static final int MAX_REGIONS = 8;
    public static final int DEFAULT_PORT = 4700;
    private static final String CORE = "127.0.100.";

    public WorldLayout {
        regions = List.copyOf(regions);
        if (regions.isEmpty() || regions.size() > MAX_REGIONS) {
            throw new IllegalArgumentException("a world has 1 to " + MAX_REGIONS + " regions, not " + regions.size());
        }
        if (port < 1024 || port > 65535) {
            throw new IllegalArgumentException("--port must be 1024..65535, not " + port);
        }
    }

    /** The world's own HTTP server: status page, link and part control. */
    public InetSocketAddress control() {
        return at(CORE + 1);
    }

    public InetSocketAddress postgres() {
        return at(CORE + 2);
    }

    public InetSocketAddress classic() {
        return at(CORE + 3);
    }

    public InetSocketAddress suspendersPop() {
        return at(CORE + 4);
    }

    public InetSocketAddress s3() {
        return at(CORE + 5);
    }

    /** 1-based region number: the third octet of its addresses. */
    public int number(Region region) {
        int i = regions.indexOf(region);
        if (i < 0) {
            throw new IllegalArgumentException("region " + region.code() + " is not in this world");
        }
        return i + 1;
    }

    /** Region home of the shared parts (the classic API, PostgreSQL, the stores): the first region listed. */
    public Region home() {
        return regions.get(0);
    }

    public InetSocketAddress regionAddress(Region region, int host) {
        return at("127.0." + number(region) + "." + host);
    }

    /** A client-facing endpoint of a region: one of {@link Tier}. */
    public InetSocketAddress endpoint(Region region, Tier tier) {
        return regionAddress(region, tier.host);
    }

    public InetSocketAddress node(Region region) {
        return regionAddress(region, 12);
    }

    public InetSocketAddress beltPop(Region region) {
        return regionAddress(region, 11);
    }

    /** Region {@code to}'s node as seen from region {@code from} (a link with their RTT): its own at .2, others at .(20 + number). */
    public InetSocketAddress nodeFrom(Region from, Region to) {
        return from.equals(to) ? endpoint(from, Tier.NODE) : regionAddress(from, 20 + number(to));
    }

    /** Every address:port the world binds, with what it is for (to refuse clearly when one is taken). */
    public List<Binding> bindings() {
        List<Binding> all = new ArrayList<>();
        all.add(new Binding("world control", control()));
        all.add(new Binding("postgres", postgres()));
        all.add(new Binding("classic API", classic()));
        all.add(new Binding("suspenders POP", suspendersPop()));
        all.add(new Binding("S3Proxy", s3()));
        for (Region r : regions) {
            for (Tier t : Tier.values()) {
                all.add(new Binding(r.code() + " " + t.key + " link", endpoint(r, t)));
            }
            all.add(new Binding(r.code() + " belt POP", beltPop(r)));
            all.add(new Binding(r.code() + " node", node(r)));
            for (Region other : regions) {
                if (!other.equals(r)) {
                    all.add(new Binding(r.code() + " link to the " + other.code() + " node", nodeFrom(r, other)));
                }
            }
        }
        return all;
    }

    public record Binding(String what, InetSocketAddress address) {
    }

    private InetSocketAddress at(String ip) {
        return new InetSocketAddress(ip, port);
    }

    public static String url(InetSocketAddress a) {
        return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** The tiers a client reaches through its region's links, with the SPEC §6 key and host octet. */
    public enum Tier {
        BELT_CDN("belt_cdn", 1),
        NODE("node", 2),
        SUSPENDERS_CDN("suspenders_cdn", 3),
        CLASSIC("classic", 4);

        public final String key;
        final int host;

        Tier(String key, int host) {
            this.key = key;
            this.host = host;
        }
    }
}
