package dev.gdn.node.http;

/** A request that ends with an error response: its status and OFREP-shaped JSON body. */
final class HttpFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient byte[] body;
    final String retryAfterSeconds;
    /** The request body could not be read to its end, so the connection is out of step and must close. */
    final boolean closeConnection;

    HttpFailure(int status, byte[] body) {
        this(status, body, null);
    }

    HttpFailure(int status, byte[] body, String retryAfterSeconds) {
        this(status, body, retryAfterSeconds, false);
    }

    HttpFailure(int status, byte[] body, String retryAfterSeconds, boolean closeConnection) {
        super(null, null, false, false);
        this.status = status;
        this.body = body;
        this.retryAfterSeconds = retryAfterSeconds;
        this.closeConnection = closeConnection;
    }
}
