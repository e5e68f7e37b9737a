package dev.gdn.chaos.world;

import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads {@code DIR/world.json} (SPEC §6) into a {@link World}; every problem names the file and the field. */
public final class WorldFile {
    public static final String NAME = "world.json";
    private static final Set<String> TOP = Set.of("environment", "client_key", "server_key", "admin", "regions", "stores", "pids");
    private static final Set<String> REGION = Set.of("code", "belt_cdn", "node", "suspenders_cdn", "classic", "pids");

    /** world.json is missing, unreadable or not what SPEC §6 says. */
    public static final class BadWorldFile extends Exception {
        private static final long serialVersionUID = 1L;

        public BadWorldFile(String message) {
            super(message);
        }
    }

    private WorldFile() {
    }

    public static World read(Path dir) throws BadWorldFile {
        Path file = dir.resolve(NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BadWorldFile(file + ": no such file (is a world running there? start one with `gdn world up --dir " + dir + "`)");
        } catch (IOException e) {
            throw new BadWorldFile(file + ": cannot read: " + e.getMessage());
        }
        return parse(dir, file.toString(), bytes);
    }

    static World parse(Path dir, String where, byte[] json) throws BadWorldFile {
        Object doc;
        try {
            doc = JsonReader.standard().read(json);
        } catch (JsonReadException e) {
            throw new BadWorldFile(where + ": not JSON: " + e.getMessage());
        }
        Fields root = new Fields(where, "", doc);
        Fields admin = root.object("admin");
        List<World.Region> regions = new ArrayList<>();
        List<Object> list = root.list("regions");
        if (list.isEmpty()) {
            throw new BadWorldFile(where + " /regions: no regions");
        }
        for (int i = 0; i < list.size(); i++) {
            Fields r = new Fields(where, "/regions/" + i, list.get(i));
            regions.add(new World.Region(r.string("code"), r.uri("belt_cdn"), r.uri("node"), r.uri("suspenders_cdn"), r.uri("classic"),
                    r.pids("pids"), r.extra(REGION)));
        }
        List<String> stores = new ArrayList<>();
        List<Object> storeList = root.list("stores");
        for (int i = 0; i < storeList.size(); i++) {
            if (!(storeList.get(i) instanceof String s) || s.isBlank()) {
                throw new BadWorldFile(where + " /stores/" + i + ": a store URI (string)");
            }
            stores.add(s);
        }
        return new World(dir, root.string("environment"), root.string("client_key"), root.string("server_key"),
                new World.Admin(admin.uri("url"), admin.string("token")), regions, stores, root.pids("pids"), root.extra(TOP));
    }

    /** One JSON object with the JSON pointer it sits at, for errors that say where. */
    private record Fields(String file, String pointer, Map<String, Object> map) {
        @SuppressWarnings("unchecked")
        Fields(String file, String pointer, Object value) throws BadWorldFile {
            this(file, pointer, asObject(file, pointer, value));
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> asObject(String file, String pointer, Object value) throws BadWorldFile {
            if (!(value instanceof Map)) {
                throw new BadWorldFile(file + " " + (pointer.isEmpty() ? "/" : pointer) + ": must be a JSON object");
            }
            return (Map<String, Object>) value;
        }

        private BadWorldFile bad(String field, String what) {
            return new BadWorldFile(file + " " + pointer + "/" + field + ": " + what);
        }

        String string(String field) throws BadWorldFile {
            Object v = map.get(field);
            if (!(v instanceof String s) || s.isBlank()) {
                throw bad(field, v == null ? "missing" : "must be a non-empty string");
            }
            return s;
        }

        URI uri(String field) throws BadWorldFile {
            String s = string(field);
            try {
                URI u = URI.create(s);
                if (u.getScheme() == null || u.getHost() == null) {
                    throw bad(field, "'" + s + "' is not an absolute URL");
                }
                return u;
            } catch (IllegalArgumentException e) {
                throw bad(field, "'" + s + "' is not a URL: " + e.getMessage());
            }
        }

        Fields object(String field) throws BadWorldFile {
            if (!map.containsKey(field)) {
                throw bad(field, "missing");
            }
            return new Fields(file, pointer + "/" + field, map.get(field));
        }

        @SuppressWarnings("unchecked")
        List<Object> list(String field) throws BadWorldFile {
            Object v = map.get(field);
            if (!(v instanceof List)) {
                throw bad(field, v == null ? "missing" : "must be a JSON array");
            }
            return (List<Object>) v;
        }

        /** A map of role → pid; absent means none (a world may run a part elsewhere). */
        Map<String, Long> pids(String field) throws BadWorldFile {
            if (!map.containsKey(field)) {
                return Map.of();
            }
            Fields f = object(field);
            Map<String, Long> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : f.map().entrySet()) {
                if (!(e.getValue() instanceof Long pid) || pid <= 0) {
                    throw new BadWorldFile(file + " " + pointer + "/" + field + "/" + e.getKey() + ": a pid (positive integer)");
                }
                out.put(e.getKey(), pid);
            }
            return out;
        }

        Map<String, Object> extra(Set<String> known) {
            Map<String, Object> out = new LinkedHashMap<>(map);
            out.keySet().removeAll(known);
            out.values().removeIf(java.util.Objects::isNull);
            return out;
        }
    }
}
