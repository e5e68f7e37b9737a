package dev.gdn.chaos.drill;

import dev.gdn.chaos.report.Observations;
import dev.gdn.chaos.world.AdminApi;
import dev.gdn.chaos.world.World;
import dev.gdn.chaos.world.WorldControl;

/** What a fault can reach while a drill runs: the world, its control API, the admin API, and the drill's record of events. */
public final class DrillContext {
    private final World world;
    private final WorldControl control;
    private final AdminApi admin;
    private final Observations observations;

    public DrillContext(World world, WorldControl control, AdminApi admin, Observations observations) {
        this.world = world;
        this.control = control;
        this.admin = admin;
        this.observations = observations;
    }

    public World world() {
        return world;
    }

    public WorldControl control() {
        return control;
    }

    public AdminApi admin() {
        return admin;
    }

    /** Records an event on the drill's timeline (and in the report). */
    public void event(String text) {
        observations.event(text);
    }

    public Observations observations() {
        return observations;
    }

    /** The world's parts of a kind ("node", "belt_cdn", "sync", …), in one region or (region null) everywhere. */
    public java.util.List<WorldControl.Part> parts(String kind, String region) throws Exception {
        java.util.List<WorldControl.Part> out = control.parts().stream()
                .filter(p -> p.kind().equals(kind) && (region == null || region.equals(p.region()))).toList();
        if (out.isEmpty()) {
            throw new IllegalStateException("the world runs no " + kind + (region == null ? "" : " in " + region)
                    + " (its parts: " + control.parts().stream().map(WorldControl.Part::name).toList() + ")");
        }
        return out;
    }

    /** Acts on a part and records it on the timeline. */
    public WorldControl.Part act(WorldControl.Part part, String action) throws Exception {
        WorldControl.Part after = control.act(part.name(), action);
        event(action + " " + part.name() + (after.pid() != null && !after.pid().equals(part.pid()) ? " (pid " + after.pid() + ")"
                : part.pid() != null ? " (pid " + part.pid() + ")" : ""));
        return after;
    }

    /** Switches links and records it on the timeline. */
    public void links(String pattern, dev.gdn.chaos.world.LinkState state) throws Exception {
        control.setLinks(pattern, state);
        event("links " + pattern + ": " + dev.gdn.chaos.world.LinkState.describe(state));
    }
}
