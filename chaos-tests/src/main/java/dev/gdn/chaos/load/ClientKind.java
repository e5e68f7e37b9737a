package dev.gdn.chaos.load;

/** The kinds of clients a drill runs in every region: how applications read flags. */
public enum ClientKind {
    /** The Java failover library (GdnClient) with the default chain. */
    LIBRARY("failover library"),
    /** A plain OFREP client: bulk POST to the region's belt CDN, If-None-Match, last good answer kept. */
    OFREP("plain OFREP"),
    /** The CDN-cacheable GET of the region's belt CDN, as a web page or edge worker does. */
    CDN_GET("CDN GET");

    private final String label;

    ClientKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
