package dev.gdn.chaos.load;

/** Where an answer came from, as the reports group them. */
public enum ServingTier {
    BELT_CDN("belt CDN", "#2e86de"),
    NODE("GDN node", "#10ac84"),
    SUSPENDERS_CDN("suspenders CDN", "#f39c12"),
    CLASSIC("classic API", "#8e44ad"),
    /** The client's own last good answer, served because no tier answered in time. */
    LOCAL_CACHE("local cache", "#7f8c8d");

    private final String label;
    private final String color;

    ServingTier(String label, String color) {
        this.label = label;
        this.color = color;
    }

    public String label() {
        return label;
    }

    /** The chart colour: the same tier has the same colour in every report. */
    public String color() {
        return color;
    }
}
