package dev.gdn.regions.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gdn.regions.catalog.Region;
import dev.gdn.regions.catalog.RegionCatalog;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorldLayoutTest {
    private final RegionCatalog catalog = RegionCatalog.standard();

    @Test
    void everyAddressOfAnEightRegionWorldIsDistinctAndOnLoopback() {
        List<Region> eight = catalog.parseList("ams,iad,syd,sin,gru,jnb,nrt,sea");
        WorldLayout layout = new WorldLayout(eight, 4700);
        Set<String> seen = new HashSet<>();
        for (WorldLayout.Binding b : layout.bindings()) {
            String a = b.address().getAddress().getHostAddress() + ":" + b.address().getPort();
            assertEquals(true, a.startsWith("127."), b.what() + " " + a);
            assertEquals(true, seen.add(a), "two parts on " + a);
        }
        // shared parts, 4 client links, a POP, a node, and 7 links to other nodes per region (a POP's varnishadm
        // port is an ephemeral one on 127.0.0.1, not the world's)
        assertEquals(5 + 8 * (4 + 2 + 7), seen.size());
    }

    @Test
    void specSixAddressesPerRegion() {
        WorldLayout layout = new WorldLayout(catalog.parseList("ams,iad"), 4700);
        Region iad = catalog.region("iad");
        assertEquals("http://127.0.2.1:4700", WorldLayout.url(layout.endpoint(iad, WorldLayout.Tier.BELT_CDN)));
        assertEquals("http://127.0.2.2:4700", WorldLayout.url(layout.endpoint(iad, WorldLayout.Tier.NODE)));
        assertEquals("http://127.0.2.3:4700", WorldLayout.url(layout.endpoint(iad, WorldLayout.Tier.SUSPENDERS_CDN)));
        assertEquals("http://127.0.2.4:4700", WorldLayout.url(layout.endpoint(iad, WorldLayout.Tier.CLASSIC)));
        assertEquals("http://127.0.2.21:4700", WorldLayout.url(layout.nodeFrom(iad, catalog.region("ams"))));
        assertEquals("http://127.0.2.2:4700", WorldLayout.url(layout.nodeFrom(iad, iad)));
        assertEquals(catalog.region("ams"), layout.home());
    }

    @Test
    void badLayoutsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WorldLayout(List.of(), 4700));
        assertThrows(IllegalArgumentException.class, () -> new WorldLayout(catalog.parseList("ams,iad,syd,sin,gru,jnb,nrt,sea,lhr"), 4700));
        assertThrows(IllegalArgumentException.class, () -> new WorldLayout(catalog.parseList("ams"), 80));
        assertThrows(IllegalArgumentException.class, () -> new WorldLayout(catalog.parseList("ams"), 65536));
    }
}
