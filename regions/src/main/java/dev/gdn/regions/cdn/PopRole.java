package dev.gdn.regions.cdn;

/** Which tier a POP fronts; each has its own entry VCL over the shared policy ({@code gdn-cdn.vcl}). */
public enum PopRole {
    /** In front of the GDN nodes: the region's node first, the other regions' nodes as fallbacks. */
    BELT("belt.vcl"),
    /** In front of the classic API (and never its admin API). */
    SUSPENDERS("suspenders.vcl");

    private final String vcl;

    PopRole(String vcl) {
        this.vcl = vcl;
    }

    /** The entry VCL file, a resource of this package. */
    public String vclFile() {
        return vcl;
    }
}
