package dev.gdn.regions.cdn;

/** A server a POP fetches from: a GDN node or the classic API (or a latency link in front of one). */
public record Origin(String host, int port) {
    public Origin {
        if (host == null || host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '"')) {
            throw new IllegalArgumentException("origin host must be a host name or IP address, not '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("origin port must be 1-65535, not " + port + " (origin " + host + ")");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
