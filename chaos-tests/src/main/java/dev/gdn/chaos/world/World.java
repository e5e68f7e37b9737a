package dev.gdn.chaos.world;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A running world as its {@code world.json} describes it (SPEC §6): the environment and its keys, the
 * admin API, every region's endpoints as a client in that region reaches them (through the world's
 * links), the stores, and the pids of what the world started. Fields beyond the specified ones are kept
 * in {@code extra} and read through the accessors below, each optional.
 *
 * @param dir the world's directory (where world.json is)
 */
public record World(Path dir, String environment, String clientKey, String serverKey, Admin admin, List<Region> regions,
                    List<String> stores, Map<String, Long> pids, Map<String, Object> extra) {
    public World {
        regions = List.copyOf(regions);
        stores = List.copyOf(stores);
        pids = Map.copyOf(pids);
        extra = Map.copyOf(extra);
    }

    /** The admin API: base URL and bearer token. */
    public record Admin(URI url, String token) {
    }

    /**
     * One region: the endpoints a client in it uses, and the pids of its processes.
     *
     * @param extra fields beyond SPEC §6 (say, other regions' nodes as reached from here)
     */
    public record Region(String code, URI beltCdn, URI node, URI suspendersCdn, URI classic, Map<String, Long> pids,
                         Map<String, Object> extra) {
        public Region {
            pids = Map.copyOf(pids);
            extra = Map.copyOf(extra);
        }
    }

    public Region region(String code) {
        return regions.stream().filter(r -> r.code().equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the world has no region '" + code + "' (it has "
                        + regions.stream().map(Region::code).toList() + ")"));
    }

    public List<String> regionCodes() {
        return regions.stream().map(Region::code).toList();
    }

    /** A world-wide pid by role ("postgres", "classic", "sync", …). */
    public Optional<Long> pid(String role) {
        return Optional.ofNullable(pids.get(role));
    }

    /** An extra top-level string field (a path, a URL), if the world wrote one. */
    public Optional<String> extraString(String field) {
        return extra.get(field) instanceof String s ? Optional.of(s) : Optional.empty();
    }
}
