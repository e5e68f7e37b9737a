package dev.gdn.chaos.drill;

import dev.gdn.chaos.report.Observations;
import dev.gdn.chaos.world.AdminApi;
import dev.gdn.chaos.world.World;
import dev.gdn.chaos.world.WorldControl;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What a fault can reach while a drill runs: the world, its control API, the admin API, and the drill's record of events. */
public final class DrillContext {
    private final World world;
    private final WorldControl control;
    private final AdminApi admin;
    private final Observations observations;
    /** Pids that changed since world.json was read (a part the drill restarted), by "region/part" or role. */
    private final Map<String, Long> restarted = new ConcurrentHashMap<>();

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

    /** The pid of a region's part now (after any restart by this drill). */
    public long pid(String region, String part) {
        Long p = restarted.get(region + "/" + part);
        if (p != null) {
            return p;
        }
        Long fromFile = world.region(region).pids().get(part);
        if (fromFile == null) {
            throw new IllegalStateException("world.json has no pid for " + part + " in region " + region);
        }
        return fromFile;
    }

    /** The pid of a world-wide part now. */
    public long pid(String role) {
        Long p = restarted.get(role);
        if (p != null) {
            return p;
        }
        return world.pid(role).orElseThrow(() -> new IllegalStateException("world.json has no pid for " + role));
    }

    /** Restarts a part through the world's control API and remembers its new pid. */
    public long restart(String part, String region) throws Exception {
        long pid = control.restart(part, region);
        restarted.put(region == null ? part : region + "/" + part, pid);
        event("restarted " + (region == null ? part : part + " " + region) + " (pid " + pid + ")");
        return pid;
    }
}
