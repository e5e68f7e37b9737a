package dev.gdn.regions.world;

import dev.gdn.regions.catalog.Region;
import dev.gdn.regions.cdn.CdnStats;
import dev.gdn.regions.link.Link;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.sync.layout.SignedIndex;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.StoreOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the world looks like now, as one JSON-able map: every part's state, pid and memory, the database's
 * and each store's version, per region the node's version and lag, the belt POP's state and hit ratio and
 * the links, and the suspenders POP's. Read
 * by the status page (every second) and {@code gdn world status}; gathered at most every 500 ms.
 */
final class WorldStatus {
    private static final long MAX_AGE_NANOS = 500_000_000L;
    private final World world;
    private Map<String, Object> last;
    private long lastAt;
    private List<ObjectStore> stores;
    private TrustedKeys trusted;

    WorldStatus(World world) {
        this.world = world;
    }

    synchronized Map<String, Object> snapshot() {
        if (last != null && System.nanoTime() - lastAt < MAX_AGE_NANOS) {
            return last;
        }
        last = gather();
        lastAt = System.nanoTime();
        return last;
    }

    private Map<String, Object> gather() {
        WorldLayout layout = world.layout();
        Map<String, Object> out = new LinkedHashMap<>();
        long dbVersion = world.seed() == null ? -1 : world.admin().currentVersion(World.ENVIRONMENT);
        long rss = Part.rss(ProcessHandle.current().pid());
        List<Object> parts = new ArrayList<>();
        for (Part p : world.parts()) {
            Map<String, Object> m = p.describe();
            long partRss = p.rssBytes();
            rss += partRss;
            m.put("rss_bytes", partRss);
            parts.add(m);
        }
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("dir", world.dir().toString());
        w.put("environment", World.ENVIRONMENT);
        w.put("home", layout.home().code());
        w.put("rss_bytes", rss);
        w.put("control", WorldLayout.url(layout.control()));
        out.put("world", w);
        out.put("database", Map.of("version", dbVersion));
        out.put("stores", storeVersions());
        out.put("parts", parts);
        out.put("suspenders_cdn", pop("suspenders"));
        List<Object> regions = new ArrayList<>();
        for (Region r : layout.regions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", r.code());
            m.put("city", r.city());
            m.put("lat", r.latitude());
            m.put("lon", r.longitude());
            m.put("rtt_to_home_ms", world.catalog().rtt(r, layout.home()).millis());
            Map<String, Object> node = new LinkedHashMap<>();
            Part nodePart = world.part("node-" + r.code());
            node.put("state", nodePart.state().name());
            long version = nodeVersion(WorldLayout.url(layout.node(r)));
            node.put("version", version < 0 ? null : version);
            node.put("lag", version < 0 || dbVersion < 0 ? null : Math.max(0, dbVersion - version));
            m.put("node", node);
            m.put("belt_cdn", pop("belt-" + r.code()));
            Map<String, Object> links = new LinkedHashMap<>();
            for (Link link : world.links().select(r.code() + ".*")) {
                links.put(link.path().name().substring(r.code().length() + 1), link.state().toJson());
            }
            m.put("links", links);
            regions.add(m);
        }
        out.put("regions", regions);
        return out;
    }

    /** A POP part's state and, while it runs, its cache counters (varnishstat) since its last start. */
    private Map<String, Object> pop(String partName) {
        Map<String, Object> m = new LinkedHashMap<>();
        // a POP is registered once its origins are up: the page is served before that
        Part.State state = world.parts().stream().filter(p -> p.name().equals(partName)).findFirst().map(Part::state)
                .orElse(Part.State.NOT_STARTED);
        m.put("name", partName);
        m.put("state", state.name());
        m.put("hit_ratio", null);
        if (state == Part.State.READY) {
            world.pop(partName).ifPresent(pop -> {
                try {
                    CdnStats st = pop.stats();
                    m.put("hit_ratio", st.hitRatio());
                    m.put("requests", st.requests());
                    m.put("hits", st.hits());
                    m.put("grace_hits", st.graceHits());
                    m.put("misses", st.misses());
                    m.put("passes", st.passes());
                    m.put("fetch_failures", st.fetchFailures());
                    m.put("objects", st.objects());
                } catch (RuntimeException e) {
                    m.put("error", String.valueOf(e.getMessage()));
                }
            });
        }
        return m;
    }

    private static long nodeVersion(String nodeUrl) {
        try {
            HttpResponse<byte[]> res = Probe.HTTP.send(HttpRequest.newBuilder(URI.create(nodeUrl + "/health/ready"))
                    .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<?, ?> body = (Map<?, ?>) JsonReader.standard().read(res.body());
            Map<?, ?> envs = (Map<?, ?>) body.get("environments");
            Map<?, ?> env = envs == null ? null : (Map<?, ?>) envs.get(World.ENVIRONMENT);
            Object v = env == null ? null : env.get("version");
            return v instanceof Number n ? n.longValue() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Each store's version of the environment, read from its signed index as a node reads it. */
    private List<Object> storeVersions() {
        List<Object> out = new ArrayList<>();
        List<String> uris = world.storeUris();
        if (stores == null) {
            try {
                // the S3 store reads the AWS default chain; this process is the world's own, so system properties serve
                world.s3Environment().forEach((k, v) -> {
                    if (k.equals("AWS_ACCESS_KEY_ID")) {
                        System.setProperty("aws.accessKeyId", v);
                    } else if (k.equals("AWS_SECRET_ACCESS_KEY")) {
                        System.setProperty("aws.secretAccessKey", v);
                    }
                });
                trusted = TrustedKeys.load(List.of(world.dir().resolve("keys/gdn-signing.pub")));
                List<ObjectStore> opened = new ArrayList<>();
                for (String uri : uris) {
                    opened.add(ObjectStores.open(uri, new StoreOptions(Duration.ofSeconds(1))));
                }
                stores = opened;
            } catch (Exception e) {
                return out;
            }
        }
        for (int i = 0; i < stores.size(); i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("uri", uris.get(i));
            try {
                GetResult r = stores.get(i).get(StoreLayout.INDEX_KEY, null);
                m.put("version", r instanceof GetResult.Found f
                        ? SignedIndex.entry(SignedIndex.read(f.data(), trusted), World.ENVIRONMENT).map(e -> e.getVersion()).orElse(0L)
                        : 0L);
            } catch (Exception e) {
                m.put("version", null);
                m.put("error", String.valueOf(e.getMessage()));
            }
            out.add(m);
        }
        return out;
    }

}
