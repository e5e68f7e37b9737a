package dev.gdn.chaos.report;

/** The parts of a drill: steady state, the fault (injected and held), and after the heal. */
public enum Phase {
    STEADY("steady state"),
    FAULT("fault"),
    VERIFY("after heal");

    private final String label;

    Phase(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
