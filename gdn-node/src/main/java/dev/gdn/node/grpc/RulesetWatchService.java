package dev.gdn.node.grpc;

import com.google.protobuf.ByteString;
import dev.gdn.node.grpc.proto.RulesetServiceGrpc;
import dev.gdn.node.grpc.proto.WatchRequest;
import dev.gdn.node.grpc.proto.WatchResponse;
import dev.gdn.node.source.Caller;
import dev.gdn.node.source.LoadedRuleset;
import dev.gdn.node.source.RulesetRegistry;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code RulesetService.Watch}: the signed artifact now and on every new version. Each stream holds
 * at most one pending version (the newest) and sends only when the transport is ready, so a slow
 * consumer costs one envelope of memory and cannot stall the node or other streams.
 */
public final class RulesetWatchService extends RulesetServiceGrpc.RulesetServiceImplBase {
    static final Context.Key<String> API_KEY = Context.key("gdn-api-key");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> X_API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    private final RulesetRegistry registry;

    public RulesetWatchService(RulesetRegistry registry) {
        this.registry = registry;
    }

    /** Puts the call's API key (from metadata) where {@link #watch} can read it. */
    public static ServerInterceptor apiKeyInterceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String key = headers.get(X_API_KEY);
                String auth = headers.get(AUTHORIZATION);
                if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    key = auth.substring(7).trim();
                }
                return Contexts.interceptCall(Context.current().withValue(API_KEY, key), call, headers, next);
            }
        };
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<WatchResponse> responses) {
        ServerCallStreamObserver<WatchResponse> out = (ServerCallStreamObserver<WatchResponse>) responses;
        Optional<Caller> caller = registry.authenticate(API_KEY.get());
        if (caller.isEmpty()) {
            out.onError(Status.UNAUTHENTICATED.withDescription("missing or unknown API key (metadata authorization: Bearer <key>)")
                    .asRuntimeException());
            return;
        }
        if (!caller.get().isServer()) {
            out.onError(Status.PERMISSION_DENIED.withDescription("watching rulesets needs a server key").asRuntimeException());
            return;
        }
        String env = caller.get().environmentId();
        Stream stream = new Stream(out, request.getKnownVersion());
        Consumer<LoadedRuleset> listener = r -> {
            if (r.environmentId().equals(env)) {
                stream.offer(r);
            }
        };
        out.setOnCancelHandler(() -> registry.removeListener(listener));
        out.setOnReadyHandler(stream::drain);
        registry.addListener(listener);
        registry.current(env).ifPresent(stream::offer);
    }

    /** One watcher: the newest version not yet sent, written whenever the transport can take it. */
    private static final class Stream {
        private final ServerCallStreamObserver<WatchResponse> out;
        private final AtomicReference<LoadedRuleset> pending = new AtomicReference<>();
        private long sent;

        Stream(ServerCallStreamObserver<WatchResponse> out, long knownVersion) {
            this.out = out;
            this.sent = knownVersion;
        }

        void offer(LoadedRuleset r) {
            if (r.envelope() == null) {
                return; // unsigned development rulesets are not distributed
            }
            pending.accumulateAndGet(r, (old, neu) -> old == null || neu.version() > old.version() ? neu : old);
            drain();
        }

        synchronized void drain() {
            while (out.isReady() && !out.isCancelled()) {
                LoadedRuleset next = pending.getAndSet(null);
                if (next == null) {
                    return;
                }
                if (next.version() <= sent) {
                    continue;
                }
                out.onNext(WatchResponse.newBuilder().setVersion(next.version())
                        .setEnvelope(ByteString.copyFrom(next.envelope())).build());
                sent = next.version();
            }
        }
    }
}
