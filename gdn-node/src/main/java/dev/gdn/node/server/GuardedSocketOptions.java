package dev.gdn.node.server;

import io.helidon.common.socket.SocketOptions;
import java.net.Socket;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Helidon's socket options, plus telling the {@link ConnectionGuard} of every channel the listener accepts: the
 * only per-connection hook Helidon calls before the first byte is read.
 */
record GuardedSocketOptions(SocketOptions delegate, ConnectionGuard guard) implements SocketOptions {
    @Override
    public void configureSocket(SocketChannel channel) {
        delegate.configureSocket(channel);
        guard.accepted(channel);
    }

    @Override
    public void configureSocket(Socket socket) {
        delegate.configureSocket(socket);
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return delegate.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return delegate.readTimeout();
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return delegate.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return delegate.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return delegate.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return delegate.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return delegate.tcpNoDelay();
    }
}
