package dev.gdn.classic.admin;

import dev.gdn.classic.db.AdminRepository;
import dev.gdn.node.http.RequestBodies;
import io.helidon.webserver.CloseConnectionException;
import dev.gdn.classic.db.ConflictException;
import dev.gdn.classic.db.DatabaseUnavailableException;
import dev.gdn.classic.db.NotFoundException;
import dev.gdn.classic.db.StoredVersion;
import dev.gdn.classic.eval.DatabaseLoader;
import dev.gdn.ruleset.compile.CompileProblem;
import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.sync.layout.StoreLayout;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control plane's admin API (JSON, admin token). Every write is one transaction; a write that
 * makes a new ruleset version is served by this process as soon as it commits, and by GDN nodes once
 * the sync daemon has published it. With the database down, writes answer 503 and nothing is written.
 */
public final class AdminService implements HttpService {
    private static final System.Logger LOG = System.getLogger(AdminService.class.getName());
    /** A 10,000-flag file is about 2 MB. */
    static final int MAX_UPLOAD_BYTES = 16 * 1024 * 1024;
    private static final String JSON = "application/json";

    private final AdminRepository repo;
    private final DatabaseLoader loader;
    private final byte[] adminTokenSha256;

    public AdminService(AdminRepository repo, DatabaseLoader loader, String adminToken) {
        this.repo = repo;
        this.loader = loader;
        this.adminTokenSha256 = sha256(adminToken);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/admin/v1/environments", guarded(this::createEnvironment))
                .get("/admin/v1/environments", guarded(this::listEnvironments))
                .put("/admin/v1/environments/{env}/origins", guarded(this::setOrigins))
                .post("/admin/v1/environments/{env}/keys", guarded(this::createKey))
                .get("/admin/v1/environments/{env}/keys", guarded(this::listKeys))
                .delete("/admin/v1/environments/{env}/keys/{id}", guarded(this::revokeKey))
                .put("/admin/v1/environments/{env}/flags", guarded(this::upload))
                .get("/admin/v1/environments/{env}/versions", guarded(this::listVersions))
                .get("/admin/v1/environments/{env}/versions/{version}", guarded(this::source))
                .post("/admin/v1/environments/{env}/rollback", guarded(this::rollback));
    }

    private interface AdminRoute {
        void handle(ServerRequest req, ServerResponse res) throws Exception;
    }

    /** Admin token check, then the route, with every failure mapped to a status and a JSON body. */
    private Handler guarded(AdminRoute route) {
        return (req, res) -> {
            try {
                String presented = req.headers().first(HeaderNames.AUTHORIZATION)
                        .filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7)).map(a -> a.substring(7).trim()).orElse(null);
                if (presented == null) {
                    send(res, 401, error("missing admin token: send Authorization: Bearer <admin token>"));
                    return;
                }
                // Compare digests: constant time, and the same length whatever was presented.
                if (!MessageDigest.isEqual(sha256(presented), adminTokenSha256)) {
                    send(res, 401, error("wrong admin token"));
                    return;
                }
                route.handle(req, res);
            } catch (BadRequest e) {
                send(res, 400, error(e.getMessage()));
            } catch (NotFoundException e) {
                send(res, 404, error(e.getMessage()));
            } catch (ConflictException e) {
                Map<String, Object> body = error(e.getMessage());
                if (e.currentVersion() > 0) {
                    body.put("currentVersion", e.currentVersion());
                }
                send(res, 409, body);
            } catch (DatabaseUnavailableException e) {
                res.header(HeaderNames.RETRY_AFTER, "5");
                send(res, 503, error(e.getMessage() + "; evaluations continue from the versions loaded before"));
            } catch (RequestBodies.MalformedBody e) {
                send(res, 400, error(e.getMessage()));
                throw new CloseConnectionException("request body framing broken: the connection cannot carry another request");
            } catch (CloseConnectionException e) {
                throw e; // the client is gone: nothing to answer, nothing to log
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "admin request failed: " + req.prologue(), e);
                send(res, 500, error("internal error: " + e.getClass().getSimpleName()));
            }
        };
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ routes

    private void createEnvironment(ServerRequest req, ServerResponse res) {
        Map<String, Object> body = jsonObject(req);
        Object id = body.get("id");
        if (!(id instanceof String) || !StoreLayout.isValidEnvironmentId((String) id)) {
            throw new BadRequest("/id: an environment id is letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)");
        }
        AdminRepository.EnvironmentRow row = repo.createEnvironment((String) id, origins(body));
        send(res, 201, environmentJson(row));
    }

    private void listEnvironments(ServerRequest req, ServerResponse res) {
        List<Object> envs = new ArrayList<>();
        repo.environments().forEach(e -> envs.add(environmentJson(e)));
        send(res, 200, Map.of("environments", envs));
    }

    private void setOrigins(ServerRequest req, ServerResponse res) {
        String env = req.path().pathParameters().get("env");
        long version = repo.setAllowedOrigins(env, origins(jsonObject(req)), author(req));
        installVersion(env, version);
        send(res, 200, Map.of("environment", env, "version", version));
    }

    private void createKey(ServerRequest req, ServerResponse res) {
        String env = req.path().pathParameters().get("env");
        Map<String, Object> body = jsonObject(req);
        ApiKeyKind kind = switch (String.valueOf(body.get("kind"))) {
            case "client" -> ApiKeyKind.CLIENT;
            case "server" -> ApiKeyKind.SERVER;
            default -> throw new BadRequest("/kind: must be \"client\" or \"server\"");
        };
        Object name = body.getOrDefault("name", "");
        AdminRepository.CreatedKey key = repo.createKey(env, kind, String.valueOf(name), author(req));
        installVersion(env, key.version());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", key.id());
        out.put("kind", kind.name().toLowerCase());
        out.put("name", key.name());
        out.put("secret", key.secret());
        out.put("version", key.version());
        out.put("note", "the secret is shown only now; GDN stores its SHA-256 only");
        send(res, 201, out);
    }

    private void listKeys(ServerRequest req, ServerResponse res) {
        String env = req.path().pathParameters().get("env");
        List<Object> keys = new ArrayList<>();
        for (AdminRepository.KeyRow k : repo.keys(env)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", k.id());
            m.put("kind", k.kind().name().toLowerCase());
            m.put("name", k.name());
            m.put("sha256Prefix", k.sha256Prefix());
            m.put("createdAt", k.createdAt().toString());
            m.put("revokedAt", k.revokedAt() == null ? null : k.revokedAt().toString());
            keys.add(m);
        }
        send(res, 200, Map.of("keys", keys));
    }

    private void revokeKey(ServerRequest req, ServerResponse res) {
        String env = req.path().pathParameters().get("env");
        long id;
        try {
            id = Long.parseLong(req.path().pathParameters().get("id"));
        } catch (NumberFormatException e) {
            throw new BadRequest("key id must be a number");
        }
        long version = repo.revokeKey(env, id, author(req));
        installVersion(env, version);
        send(res, 200, Map.of("revoked", id, "version", version));
    }

    private void upload(ServerRequest req, ServerResponse res) {
        String env = req.path().pathParameters().get("env");
        byte[] source = body(req, MAX_UPLOAD_BYTES);
        // ?strict=true: flag warnings are refused too (SPEC §1), for callers whose CI wants none
        String strictParam = req.query().first("strict").orElse("false");
        if (!strictParam.equals("true") && !strictParam.equals("false")) {
            throw new BadRequest("?strict must be true or false, not '" + strictParam + "'");
        }
        boolean strict = Boolean.parseBoolean(strictParam);
        FlagSet flags;
        try {
            flags = FlagdCompiler.compile(source, strict);
        } catch (FlagFileException e) {
            Map<String, Object> body = error("invalid flag file: " + e.errors().size() + " error(s)"
                    + (strict ? " (?strict=true: flag warnings count as errors)" : "") + "; nothing was stored");
            body.put("problems", problemsJson(e.problems()));
            send(res, 422, body);
            return;
        }
        Long ifMatch = ifMatch(req);
        String comment = req.query().first("comment").orElse("");
        AdminRepository.VersionRow v = repo.upload(env, new String(source, StandardCharsets.UTF_8), flags, ifMatch, author(req), comment);
        installVersion(env, v.version());
        res.header(HeaderNames.ETAG, "\"" + v.version() + "\"");
        Map<String, Object> body = versionJson(v);
        body.put("warnings", problemsJson(flags.warnings())); // never dropped: each such flag evaluates as flagd does
        send(res, 201, body);
    }

    private static List<Object> problemsJson(List<CompileProblem> problems) {
        return new ArrayList<>(problems.stream().map(CompileProblem::toJson).toList());
    }

    private void listVersions(ServerRequest req, ServerResponse res) {
        String env = req.path().pathParameters().get("env");
        List<Object> versions = new ArrayList<>();
        repo.versions(env).forEach(v -> versions.add(versionJson(v)));
        send(res, 200, Map.of("versions", versions));
    }

    private void source(ServerRequest req, ServerResponse res) {
        String env = req.path().pathParameters().get("env");
        long version = parseVersion(req.path().pathParameters().get("version"));
        StoredVersion s = repo.version(env, version)
                .orElseThrow(() -> new NotFoundException("environment '" + env + "' has no version " + version));
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.header(HeaderNames.ETAG, "\"" + version + "\"");
        res.send(s.source());
    }

    private void rollback(ServerRequest req, ServerResponse res) {
        String env = req.path().pathParameters().get("env");
        Map<String, Object> body = jsonObject(req);
        if (!(body.get("toVersion") instanceof Long to)) {
            throw new BadRequest("/toVersion: the version to roll back to (a number)");
        }
        AdminRepository.VersionRow v = repo.rollback(env, to, ifMatch(req), author(req), String.valueOf(body.getOrDefault("comment", "")));
        installVersion(env, v.version());
        send(res, 201, versionJson(v));
    }

    // ------------------------------------------------------------------ pieces

    /** Serves a just-committed version at once, without waiting for its NOTIFY. */
    private void installVersion(String env, long version) {
        if (version > 0) {
            loader.install(repo.version(env, version)
                    .orElseThrow(() -> new NotFoundException(env + " v" + version)).ruleset());
        }
    }

    private static Long ifMatch(ServerRequest req) {
        return req.headers().first(HeaderNames.IF_MATCH).map(v -> {
            String t = v.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            return parseVersion(t.replace("\"", ""));
        }).orElse(null);
    }

    private static long parseVersion(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest("'" + s + "' is not a version number");
        }
    }

    private static String author(ServerRequest req) {
        return req.headers().first(io.helidon.http.HeaderNames.create("GDN-Author")).orElse("admin");
    }

    @SuppressWarnings("unchecked")
    private static List<String> origins(Map<String, Object> body) {
        Object o = body.getOrDefault("allowedOrigins", List.of());
        if (!(o instanceof List) || !((List<Object>) o).stream().allMatch(x -> x instanceof String s && s.matches("https?://[^/\\s]+"))) {
            throw new BadRequest("/allowedOrigins: a list of origins like \"https://app.example.com\" (scheme and host, no path)");
        }
        return (List<String>) o;
    }

    private static byte[] body(ServerRequest req, int max) {
        if (req.headers().contentLength().orElse(0) > max) {
            throw new BadRequest("body larger than " + max + " bytes");
        }
        byte[] b = RequestBodies.read(req, max + 1);
        if (b.length > max) {
            throw new BadRequest("body larger than " + max + " bytes");
        }
        return b;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonObject(ServerRequest req) {
        byte[] b = body(req, 64 * 1024);
        try {
            Object doc = JsonReader.standard().read(b.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : b);
            if (!(doc instanceof Map)) {
                throw new BadRequest("the body must be a JSON object");
            }
            return (Map<String, Object>) doc;
        } catch (JsonReadException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    private static Map<String, Object> environmentJson(AdminRepository.EnvironmentRow e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("allowedOrigins", e.allowedOrigins());
        m.put("currentVersion", e.currentVersion());
        m.put("createdAt", e.createdAt().toString());
        return m;
    }

    private static Map<String, Object> versionJson(AdminRepository.VersionRow v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("environment", v.environmentId());
        m.put("version", v.version());
        m.put("change", v.change());
        m.put("author", v.author());
        m.put("comment", v.comment());
        m.put("createdAt", v.createdAt().toString());
        return m;
    }

    private static Map<String, Object> error(String details) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errorDetails", details);
        return m;
    }

    private static void send(ServerResponse res, int status, Map<String, Object> body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(JsonWriter.toJson(body));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
