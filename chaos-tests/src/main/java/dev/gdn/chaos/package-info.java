/**
 * Chaos drills against a running GDN world: {@code world} reads {@code world.json} and drives the world's
 * processes and links, {@code fault} holds the faults a drill injects and heals, {@code load} the clients
 * that read flags in every region, {@code check} compares every answer with local evaluation of the
 * version it names, {@code drill} runs steady state → fault → hold → heal → verify, and {@code report}
 * writes what happened for people who were not there.
 */
package dev.gdn.chaos;
