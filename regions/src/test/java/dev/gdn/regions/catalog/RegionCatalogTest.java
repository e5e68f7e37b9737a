package dev.gdn.regions.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionCatalogTest {
    private final RegionCatalog catalog = RegionCatalog.standard();

    @Test
    void everyPairOfTheNineteenRegionsIsMeasuredInBothDirections() {
        List<Region> all = catalog.regions();
        assertEquals(19, all.size());
        for (Region a : all) {
            for (Region b : all) {
                RoundTrip ab = catalog.rtt(a, b);
                if (a.equals(b)) {
                    assertEquals(RoundTrip.Basis.SAME_REGION, ab.basis());
                    assertEquals(0, ab.millis());
                    continue;
                }
                assertEquals(RoundTrip.Basis.MEASURED, ab.basis(), a.code() + "-" + b.code());
                assertEquals(ab.millis(), catalog.rtt(b, a).millis(), "symmetric: " + a.code() + "-" + b.code());
                // no published pair is faster than light in fibre
                assertTrue(ab.millis() >= a.distanceKm(b) / 100, a.code() + "-" + b.code() + " below the physical floor");
            }
        }
    }

    @Test
    void measuredValuesComeFromTheCsv() {
        assertEquals(83, catalog.rtt("iad", "ams").millis());
        assertEquals(83, catalog.rtt("ams", "iad").millis());
        assertEquals(201, catalog.rtt("syd", "iad").millis());
        assertEquals("azure-p50-2026-07", catalog.rtt("ams", "syd").source());
        assertEquals(41.5, catalog.rtt("iad", "ams").oneWayMillis());
    }

    @Test
    void greatCircleDistanceMatchesKnownCities() {
        // Amsterdam–Sydney is about 16,640 km; Ashburn–Amsterdam about 6,200 km
        assertEquals(16640, catalog.region("ams").distanceKm(catalog.region("syd")), 60);
        assertEquals(6200, catalog.region("iad").distanceKm(catalog.region("ams")), 60);
    }

    @Test
    void pairsWithoutDataAreEstimatedNeverBelowTheFloor() {
        List<Region> regions = new ArrayList<>(catalog.regions());
        regions.add(new Region("mad", "Madrid", 40.4168, -3.7038));
        regions.add(new Region("ewr", "Newark", 40.7357, -74.1724));
        regions.add(new Region("eze", "Buenos Aires", -34.6037, -58.3816));
        RegionCatalog extended = new RegionCatalog(regions, List.<String[]>of(new String[] {"iad", "ams", "83", "test"}));
        RoundTrip madCdg = extended.rtt("mad", "cdg");
        assertEquals(RoundTrip.Basis.ESTIMATE, madCdg.basis());
        double km = extended.region("mad").distanceKm(extended.region("cdg"));
        assertEquals(16.7 + 0.01533 * km, madCdg.millis(), 1e-9);
        assertTrue(madCdg.source().startsWith("estimate from "));
        // near-antipodes: the line (16.7 + 0.01533 d) is above d/100 for every d on Earth, so the model wins
        RoundTrip far = extended.rtt("eze", "nrt");
        assertTrue(far.millis() >= extended.region("eze").distanceKm(extended.region("nrt")) / 100);
        assertEquals(RoundTrip.Basis.MEASURED, extended.rtt("ams", "iad").basis());
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> catalog.region("xyz"));
        assertTrue(e.getMessage().contains("unknown region 'xyz'") && e.getMessage().contains("ams"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> catalog.parseList("ams,,iad"));
        assertThrows(IllegalArgumentException.class, () -> catalog.parseList("ams,ams"));
        assertEquals(List.of("ams", "iad", "syd"), catalog.parseList("ams, iad,syd").stream().map(Region::code).toList());
        assertThrows(IllegalArgumentException.class, () -> new Region("AMS", "x", 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new RegionCatalog(catalog.regions(), List.<String[]>of(new String[] {"iad", "zzz", "5", "s"})));
    }
}
