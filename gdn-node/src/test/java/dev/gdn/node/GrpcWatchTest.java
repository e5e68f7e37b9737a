package dev.gdn.node;

import static dev.gdn.node.NodeFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.grpc.proto.RulesetServiceGrpc;
import dev.gdn.node.grpc.proto.WatchRequest;
import dev.gdn.node.grpc.proto.WatchResponse;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.proto.Ruleset;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code RulesetService.Watch} over gRPC on the HTTP port. */
class GrpcWatchTest {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    Path tmp;
    NodeFixture f;
    Path store;
    GdnNode node;
    ManagedChannel channel;
    final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        f = new NodeFixture(tmp);
        store = f.storeDir("a");
        f.publish(f.ruleset(1), store);
        node = f.startStoreNode(List.of(store), null);
        channel = channel();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow();
            c.awaitTermination(2, TimeUnit.SECONDS);
        }
        f.close();
    }

    private ManagedChannel channel() {
        ManagedChannel c = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
        channels.add(c);
        return c;
    }

    private static Metadata bearer(String key) {
        Metadata md = new Metadata();
        md.put(AUTHORIZATION, "Bearer " + key);
        return md;
    }

    private RulesetServiceGrpc.RulesetServiceStub stub(ManagedChannel c, String key) {
        return RulesetServiceGrpc.newStub(c).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(key)));
    }

    /** A watcher that queues what it receives: WatchResponse items, then a Throwable or "completed". */
    private static StreamObserver<WatchResponse> queueing(BlockingQueue<Object> q) {
        return new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse value) {
                q.add(value);
            }

            @Override
            public void onError(Throwable t) {
                q.add(t);
            }

            @Override
            public void onCompleted() {
                q.add("completed");
            }
        };
    }

    private static WatchResponse next(BlockingQueue<Object> q) throws InterruptedException {
        Object o = q.poll(NodeFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(o, "no message within " + NodeFixture.WAIT);
        return assertInstanceOf(WatchResponse.class, o, () -> String.valueOf(o));
    }

    private Ruleset verified(WatchResponse r) throws Exception {
        Ruleset rs = Envelopes.verifyRuleset(r.getEnvelope().toByteArray(), f.trusted);
        assertEquals(r.getVersion(), rs.getVersion());
        assertEquals(NodeFixture.ENV, rs.getEnvironmentId());
        return rs;
    }

    @Test
    void sendsTheCurrentEnvelopeThenEachNewVersion() throws Exception {
        BlockingQueue<Object> q = new LinkedBlockingQueue<>();
        stub(channel, f.serverKey).watch(WatchRequest.getDefaultInstance(), queueing(q));
        WatchResponse first = next(q);
        assertEquals(1, first.getVersion());
        assertEquals(f.ruleset(1).getFlagsList(), verified(first).getFlagsList());

        f.publish(f.ruleset(2), store);
        WatchResponse second = next(q);
        assertEquals(2, second.getVersion());
        verified(second);

        // a client that already holds v2 gets nothing until v3
        BlockingQueue<Object> q2 = new LinkedBlockingQueue<>();
        RulesetServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(xApiKey(f.serverKey)))
                .watch(WatchRequest.newBuilder().setKnownVersion(2).build(), queueing(q2));
        f.publish(f.ruleset(3), store);
        assertEquals(3, next(q).getVersion());
        assertEquals(3, next(q2).getVersion());
        assertTrue(q2.isEmpty(), q2::toString);
    }

    private static Metadata xApiKey(String key) {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), key);
        return md;
    }

    @Test
    void clientKeyIsPermissionDeniedAndNoKeyUnauthenticated() {
        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class, () -> RulesetServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(f.clientKey)))
                .watch(WatchRequest.getDefaultInstance()).hasNext());
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());

        StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
                () -> RulesetServiceGrpc.newBlockingStub(channel).watch(WatchRequest.getDefaultInstance()).hasNext());
        assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());

        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> RulesetServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer("gdn_nope")))
                .watch(WatchRequest.getDefaultInstance()).hasNext());
        assertEquals(Status.Code.UNAUTHENTICATED, unknown.getStatus().getCode());

        // a server key still works on the same channel
        Iterator<WatchResponse> ok = RulesetServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(f.serverKey)))
                .withDeadlineAfter(5, TimeUnit.SECONDS).watch(WatchRequest.getDefaultInstance());
        assertEquals(1, ok.next().getVersion());
    }

    /** Rulesets of ~256 KiB: a few of them overflow an HTTP/2 flow-control window that nobody drains. */
    private Ruleset bigRuleset(long version) {
        String pad = "p".repeat(256 * 1024);
        String flags = NodeFixture.flags(version).replaceFirst("\"flags\": \\{",
                "\"flags\": {\"pad-flag\": {\"state\": \"ENABLED\", \"variants\": {\"p\": \"" + pad + "\"}, \"defaultVariant\": \"p\"},");
        return NodeFixture.ruleset(flags, version, f.keys());
    }

    @Test
    void aConsumerThatNeverReadsBlocksNobody() throws Exception {
        // the stuck watcher: its own connection, and it never asks for a message
        AtomicInteger stuckReceived = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong stuckNewest = new java.util.concurrent.atomic.AtomicLong();
        AtomicReference<ClientCallStreamObserver<WatchRequest>> stuckCall = new AtomicReference<>();
        stub(channel(), f.serverKey).watch(WatchRequest.getDefaultInstance(), new ClientResponseObserver<WatchRequest, WatchResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                requestStream.disableAutoRequestWithInitial(0);
                stuckCall.set(requestStream);
            }

            @Override
            public void onNext(WatchResponse value) {
                stuckReceived.incrementAndGet();
                stuckNewest.accumulateAndGet(value.getVersion(), Math::max);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        // a stuck watcher on the shared channel too
        stub(channel, f.serverKey).watch(WatchRequest.getDefaultInstance(), new ClientResponseObserver<WatchRequest, WatchResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                requestStream.disableAutoRequestWithInitial(0);
            }

            @Override
            public void onNext(WatchResponse value) {
                stuckReceived.incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        BlockingQueue<Object> healthy = new LinkedBlockingQueue<>();
        stub(channel(), f.serverKey).watch(WatchRequest.getDefaultInstance(), queueing(healthy));
        assertEquals(1, next(healthy).getVersion());

        for (long v = 2; v <= 7; v++) {
            f.publish(bigRuleset(v), store);
            long want = v;
            // HTTP keeps answering, with each new version, while the stuck streams hold their envelopes
            await("HTTP serves v" + v, () -> f.servedVersion(node) == want);
            // the healthy watcher gets the newest version (it may skip one it has not yet been sent)
            long got = 0;
            while (got < want) {
                WatchResponse r = next(healthy);
                assertTrue(r.getVersion() > got, "versions only go up");
                got = r.getVersion();
            }
            assertEquals(want, got);
        }
        // and a watcher that starts now gets v7 at once
        BlockingQueue<Object> late = new LinkedBlockingQueue<>();
        stub(channel(), f.serverKey).watch(WatchRequest.getDefaultInstance(), queueing(late));
        WatchResponse latest = next(late);
        assertEquals(7, latest.getVersion());
        verified(latest);
        assertEquals(0, stuckReceived.get());
        assertEquals(200, f.get(node, "/health/ready").status());

        // once the stuck watcher reads, what the transport held arrives and then the newest version
        stuckCall.get().request(Integer.MAX_VALUE);
        await("the stuck watcher catches up to v7", () -> stuckNewest.get() == 7);
        stuckCall.get().cancel("done", null);
    }
}
