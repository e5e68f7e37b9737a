package dev.gdn.chaos.load;

import dev.gdn.chaos.world.World;
import dev.gdn.client.Evaluations;
import dev.gdn.client.GdnClient;
import dev.gdn.client.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The clients a drill runs in every region of the world, each through that region's endpoints (so
 * through the world's links): a failover library client (the default chain) shared by a few users who
 * come and go, plain OFREP clients and CDN GET clients with one long-lived user each. Every evaluation
 * becomes an {@link Answer} handed to the sink; nothing here judges answers.
 */
public final class Load implements AutoCloseable {
    private final World world;
    private final LoadPlan plan;
    private final Consumer<Answer> sink;
    private final ContextPool pool;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public Load(World world, LoadPlan plan, Consumer<Answer> sink) {
        this.world = world;
        this.plan = plan;
        this.sink = sink;
        this.pool = new ContextPool(plan.contexts());
    }

    public synchronized void start() {
        if (running) {
            throw new IllegalStateException("already started");
        }
        running = true;
        List<World.Region> regions = world.regions();
        for (int ri = 0; ri < regions.size(); ri++) {
            World.Region region = regions.get(ri);
            GdnClient.Builder b = GdnClient.builder().clientKey(world.clientKey()).deadline(plan.timeout());
            for (Tier t : DefaultChain.forRegion(world, region)) {
                b.tier(t);
            }
            GdnClient library = b.build();
            clients.add(library);
            for (int j = 0; j < plan.librarySessions(); j++) {
                int first = ri * 101 + j * 37;
                String id = region.code() + "/library/" + j;
                spawn(id, () -> libraryUser(library, region.code(), id, first));
            }
            for (ClientKind kind : List.of(ClientKind.OFREP, ClientKind.CDN_GET)) {
                int n = kind == ClientKind.OFREP ? plan.ofrepSessions() : plan.cdnSessions();
                if (n == 0) {
                    continue;
                }
                PlainClient plain = new PlainClient(kind, region.code(), region.beltCdn(), world.clientKey(), plan.timeout());
                clients.add(plain);
                for (int j = 0; j < n; j++) {
                    String id = region.code() + "/" + kind.name().toLowerCase() + "/" + j;
                    PlainClient.Session s = new PlainClient.Session(id, pool.get(ri * 53 + j * 17 + (kind == ClientKind.OFREP ? 0 : 5)));
                    spawn(id, () -> plainUser(plain, s));
                }
            }
        }
    }

    /**
     * Whether every failover library client has its first tier's breaker closed. (Only the first: a later
     * tier's breaker, opened once, reads open until a call reaches that tier again, which in a healthy
     * world may never happen.)
     */
    public boolean libraryFirstTiersClosed() {
        synchronized (this) {
            return clients.stream().filter(c -> c instanceof GdnClient).map(c -> (GdnClient) c)
                    .allMatch(c -> c.status().endpoints().get(0).breakerState().equals("CLOSED"));
        }
    }

    private void spawn(String name, Runnable loop) {
        threads.add(Thread.ofVirtual().name("gdn-drill-" + name).start(loop));
    }

    private void libraryUser(GdnClient client, String region, String slot, int firstContext) {
        int session = 0;
        while (running) {
            Map<String, Object> context = pool.get(firstContext + session * 7);
            String id = slot + "#" + session;
            for (int i = 0; i < plan.sessionLength() && running; i++) {
                long startedAt = System.currentTimeMillis();
                long t0 = System.nanoTime();
                Evaluations e = client.evaluate(context);
                long took = System.nanoTime() - t0;
                sink.accept(switch (e.freshness()) {
                    case FRESH -> new Answer(startedAt, took, region, ClientKind.LIBRARY, id, context,
                            DefaultChain.servingTier(e.tier()), true, e.version(), e.servedBy(), e.flags(), null, e.trace());
                    case STALE -> new Answer(startedAt, took, region, ClientKind.LIBRARY, id, context, ServingTier.LOCAL_CACHE,
                            false, e.version(), e.servedBy(), e.flags(), e.error(), e.trace());
                    case NONE -> new Answer(startedAt, took, region, ClientKind.LIBRARY, id, context, null, false, 0, null,
                            Map.of(), e.error(), e.trace());
                });
                think(plan.libraryThink().toMillis());
            }
            session++;
        }
    }

    private void plainUser(PlainClient client, PlainClient.Session s) {
        while (running) {
            sink.accept(client.read(s));
            think(plan.plainThink().toMillis());
        }
    }

    private void think(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Stops starting calls and waits for those in flight (each bounded by the plan's timeout) to finish
     * and reach the sink.
     */
    public synchronized void stop() throws InterruptedException {
        running = false;
        long deadline = System.nanoTime() + plan.timeout().toNanos() + TimeUnit.SECONDS.toNanos(3);
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(java.time.Duration.ofNanos(left));
            }
        }
        threads.clear();
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (running) {
            stop();
        }
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception e) {
                // closing a client frees threads and sockets; nothing to report
            }
        }
        clients.clear();
    }
}
