package dev.gdn.client;

/** What a tier is, which decides how it is asked. */
public enum TierKind {
    /** A CDN in front of GDN nodes or the classic API: the cacheable GET with the client key in the URL; never pinned. */
    CDN,
    /** GDN nodes (the belt): OFREP POST, pinned. */
    GDN,
    /** The classic API (the suspenders): OFREP POST, pinned. */
    CLASSIC
}
