package dev.gdn.chaos.load;

import dev.gdn.chaos.world.World;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The failover library's default production chain as a client in one region of the world sees it:
 * belt CDN → GDN node → suspenders CDN → classic API → other regions' GDN nodes directly. Tier names
 * say which {@link ServingTier} an answer came from.
 */
public final class DefaultChain {
    static final String BELT_CDN = "belt-cdn";
    static final String GDN = "gdn";
    static final String SUSPENDERS_CDN = "suspenders-cdn";
    static final String CLASSIC = "classic";
    static final String GDN_DIRECT = "gdn-direct";
    /** The library's tier name for an answer from its own last-known-good cache. */
    static final String LAST_KNOWN_GOOD = "last-known-good";

    private DefaultChain() {
    }

    public static List<Tier> forRegion(World world, World.Region region) {
        List<Tier> chain = new ArrayList<>();
        chain.add(Tier.of(BELT_CDN, TierKind.CDN, region.beltCdn().toString()));
        chain.add(Tier.of(GDN, TierKind.GDN, region.node().toString()));
        chain.add(Tier.of(SUSPENDERS_CDN, TierKind.CDN, region.suspendersCdn().toString()));
        chain.add(Tier.of(CLASSIC, TierKind.CLASSIC, region.classic().toString()));
        List<String> others = otherNodes(world, region);
        if (!others.isEmpty()) {
            chain.add(Tier.of(GDN_DIRECT, TierKind.GDN, others.toArray(String[]::new)));
        }
        return chain;
    }

    /**
     * Other regions' nodes as reached from this region: the world's {@code remote_nodes} map (region code
     * → URL, through the links between regions) when it writes one, else each region's own node URL.
     */
    static List<String> otherNodes(World world, World.Region region) {
        List<String> out = new ArrayList<>();
        Object remote = region.extra().get("remote_nodes");
        for (World.Region r : world.regions()) {
            if (r.code().equals(region.code())) {
                continue;
            }
            if (remote instanceof Map<?, ?> m && m.get(r.code()) instanceof String url) {
                out.add(URI.create(url).toString());
            } else {
                out.add(r.node().toString());
            }
        }
        return out;
    }

    static ServingTier servingTier(String tierName) {
        return switch (tierName) {
            case BELT_CDN -> ServingTier.BELT_CDN;
            case GDN, GDN_DIRECT -> ServingTier.NODE;
            case SUSPENDERS_CDN -> ServingTier.SUSPENDERS_CDN;
            case CLASSIC -> ServingTier.CLASSIC;
            case LAST_KNOWN_GOOD -> ServingTier.LOCAL_CACHE;
            default -> throw new IllegalArgumentException("unknown tier " + tierName);
        };
    }
}
