package dev.gdn.regions.world;

import dev.gdn.regions.catalog.Region;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The world for a terminal: the endpoint table printed by {@code world up}, and {@code world status}. */
public final class StatusText {
    private StatusText() {
    }

    /** What {@code gdn world up} prints once the world is ready: endpoints and copy-paste examples. */
    public static String endpoints(World world) {
        WorldLayout l = world.layout();
        AdminClient.Seed seed = world.seed();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n%-7s %-24s %-24s %-24s %-24s%n", "region", "belt CDN", "node", "suspenders CDN", "classic"));
        for (Region r : l.regions()) {
            b.append(String.format(Locale.ROOT, "%-7s %-24s %-24s %-24s %-24s%n", r.code(),
                    WorldLayout.url(l.endpoint(r, WorldLayout.Tier.BELT_CDN)), WorldLayout.url(l.endpoint(r, WorldLayout.Tier.NODE)),
                    WorldLayout.url(l.endpoint(r, WorldLayout.Tier.SUSPENDERS_CDN)), WorldLayout.url(l.endpoint(r, WorldLayout.Tier.CLASSIC))));
        }
        String admin = WorldLayout.url(l.classic());
        String control = WorldLayout.url(l.control());
        Region first = l.regions().get(0);
        String node = WorldLayout.url(l.endpoint(first, WorldLayout.Tier.NODE));
        String cdn = WorldLayout.url(l.endpoint(first, WorldLayout.Tier.BELT_CDN));
        String context = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"country\":\"NL\",\"targetingKey\":\"user-1\"}".getBytes(StandardCharsets.UTF_8));
        b.append(String.format(Locale.ROOT, "%nbelt CDN: a Varnish POP per region (origins: its node, then the others'); suspenders CDN:"
                + " one Varnish POP (origin: the classic API). Each endpoint above is a latency link to them.%n"));
        b.append(String.format(Locale.ROOT, "%nadmin API    %s   (token: %s)%nstatus page  %s/%nworld.json   %s%nlogs         %s%n",
                admin, world.dir().resolve("admin-token"), control, world.dir().resolve("world.json"), world.dir().resolve("logs")));
        b.append(String.format(Locale.ROOT, "%nTry it (a client in %s):%n", first.code()));
        b.append(String.format(Locale.ROOT, "  curl -s -X POST %s/ofrep/v1/evaluate/flags -H 'Authorization: Bearer %s' -d '{\"context\":{\"targetingKey\":\"user-1\",\"country\":\"NL\"}}'%n",
                node, seed.clientKey()));
        b.append(String.format(Locale.ROOT, "  curl -si %s/gdn/v1/evaluate/%s/%s   # twice: X-Cache MISS, then HIT%n", cdn, seed.clientKey(), context));
        b.append(String.format(Locale.ROOT, "  curl -s -X PUT %s/admin/v1/environments/%s/flags -H \"Authorization: Bearer $(cat %s)\" --data-binary @examples/flags.json%n",
                admin, seed.environment(), world.dir().resolve("admin-token")));
        b.append(String.format(Locale.ROOT, "  curl -s -X POST %s/links/%s.node -d '{\"state\":\"down\"}'      # then {\"state\":\"up\"}%n", control, first.code()));
        b.append(String.format(Locale.ROOT, "  ./gdn world status --dir %s%n", world.dir()));
        b.append(String.format(Locale.ROOT, "%nCtrl-C (or SIGTERM) stops every part.%n"));
        return b.toString();
    }

    /** {@code gdn world status}: per region the node's version and lag, the belt CDN, the links; then every part. */
    @SuppressWarnings("unchecked")
    public static String status(Map<String, Object> s) {
        Map<String, Object> world = (Map<String, Object>) s.get("world");
        Map<String, Object> db = (Map<String, Object>) s.get("database");
        StringBuilder b = new StringBuilder();
        b.append("world ").append(world.get("dir")).append("  environment ").append(world.get("environment"))
                .append("  database version ").append(db.get("version")).append("\nstores");
        for (Map<String, Object> st : (List<Map<String, Object>>) s.get("stores")) {
            b.append("  ").append(String.valueOf(st.get("uri")).replaceAll("\\?.*", "")).append(" v").append(st.get("version"));
        }
        b.append(String.format(Locale.ROOT, "%n%n%-7s %-8s %-8s %-6s %-13s %-9s %s%n", "region", "node", "version", "lag", "belt CDN", "hit ratio", "links"));
        for (Map<String, Object> r : (List<Map<String, Object>>) s.get("regions")) {
            Map<String, Object> node = (Map<String, Object>) r.get("node");
            Map<String, Object> belt = (Map<String, Object>) r.get("belt_cdn");
            StringBuilder links = new StringBuilder();
            for (Map.Entry<String, Object> l : ((Map<String, Object>) r.get("links")).entrySet()) {
                Map<String, Object> st = (Map<String, Object>) l.getValue();
                if (!l.getKey().startsWith("node-")) {
                    links.append(l.getKey()).append('=').append(st.get("state")).append(' ');
                } else if (!"up".equals(st.get("state"))) {
                    links.append(l.getKey()).append('=').append(st.get("state")).append(' ');
                }
            }
            b.append(String.format(Locale.ROOT, "%-7s %-8s %-8s %-6s %-13s %-9s %s%n", r.get("code"), node.get("state"),
                    dash(node.get("version")), dash(node.get("lag")), belt.get("state"), StatusPage.ratio(belt.get("hit_ratio")), links.toString().trim()));
        }
        b.append(String.format(Locale.ROOT, "%nsuspenders CDN %s, hit ratio %s%n", susp(s).get("state"), StatusPage.ratio(susp(s).get("hit_ratio"))));
        b.append(String.format(Locale.ROOT, "%n%-16s %-9s %-8s %s%n", "part", "state", "pid", "memory"));
        for (Map<String, Object> p : (List<Map<String, Object>>) s.get("parts")) {
            b.append(String.format(Locale.ROOT, "%-16s %-9s %-8s %s%n", p.get("name"), p.get("state"), dash(p.get("pid")), StatusPage.mib(p.get("rss_bytes"))));
        }
        b.append(String.format(Locale.ROOT, "%ntotal memory (PSS of every part and the world itself): %s%n", StatusPage.mib(world.get("rss_bytes"))));
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> susp(Map<String, Object> s) {
        return s.get("suspenders_cdn") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of("state", "NOT_STARTED");
    }

    private static String dash(Object o) {
        return o == null ? "–" : String.valueOf(o);
    }
}
