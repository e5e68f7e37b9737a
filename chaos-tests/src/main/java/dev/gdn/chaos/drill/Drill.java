package dev.gdn.chaos.drill;

import dev.gdn.chaos.world.World;
import java.util.function.Function;

/**
 * A named scenario: what it does, what it proves, and the fault it injects into a given world.
 *
 * @param name   the command-line name ({@code gdn drill run NAME})
 * @param title  a short human title
 * @param proves what passing shows, in a sentence or two
 * @param fault  the fault for a world (a drill may pick a region, a store, a pid)
 */
public record Drill(String name, String title, String proves, Function<World, Fault> fault) {
}
