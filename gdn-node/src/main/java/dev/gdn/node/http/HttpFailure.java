package dev.gdn.node.http;

/** A request that ends with an error response: its status and OFREP-shaped JSON body. */
final class HttpFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient byte[] body;
    final String retryAfterSeconds;

    HttpFailure(int status, byte[] body) {
        this(status, body, null);
    }

    HttpFailure(int status, byte[] body, String retryAfterSeconds) {
        super(null, null, false, false);
        this.status = status;
        this.body = body;
        this.retryAfterSeconds = retryAfterSeconds;
    }
}
