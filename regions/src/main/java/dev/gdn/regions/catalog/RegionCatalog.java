package dev.gdn.regions.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The regions a world can have and the round-trip time between any two of them: the measured value
 * for a pair the data has (either direction), else a great-circle estimate.
 *
 * <p>The data ({@code regions.csv}: code, city, coordinates; {@code regions-rtt.csv}: measured P50
 * RTTs of 171 pairs) ship as resources of this package. The estimate is
 * {@code max(d_km / 100, 16.7 + 0.01533 · d_km)} ms: the least-squares line over the 171 measured
 * pairs (R² 0.79, RMSE 35 ms), never below the physical floor (light in fibre, 200,000 km/s, both
 * ways).
 */
public final class RegionCatalog {
    /** The model's intercept (ms) and slope (ms per km), fitted over every measured pair. */
    public static final double MODEL_INTERCEPT_MS = 16.7;
    public static final double MODEL_MS_PER_KM = 0.01533;
    /** Light in fibre both ways: 2 · d / 200,000 km/s = d / 100 ms. */
    public static final double FLOOR_MS_PER_KM = 0.01;
    /** A world with no --regions: one region each in Europe, North America and Australia. */
    public static final List<String> DEFAULT_REGIONS = List.of("ams", "iad", "syd");

    private static final RegionCatalog STANDARD = load();

    private final Map<String, Region> regions;
    private final List<String> order;
    private final Map<String, Measured> measured;

    private record Measured(double millis, String source) {
    }

    /**
     * @param measured RTT rows: from, to, milliseconds, source id; one row serves both directions
     */
    public RegionCatalog(Collection<Region> regions, List<String[]> measured) {
        Map<String, Region> byCode = new LinkedHashMap<>();
        for (Region r : regions) {
            if (byCode.put(r.code(), r) != null) {
                throw new IllegalArgumentException("region " + r.code() + " listed twice");
            }
        }
        this.regions = Map.copyOf(byCode);
        this.order = List.copyOf(byCode.keySet());
        Map<String, Measured> pairs = new HashMap<>();
        for (String[] row : measured) {
            String from = row[0];
            String to = row[1];
            if (!byCode.containsKey(from) || !byCode.containsKey(to)) {
                throw new IllegalArgumentException("RTT row " + String.join(",", row) + " names a region with no coordinates");
            }
            double ms = Double.parseDouble(row[2]);
            if (!(ms > 0)) {
                throw new IllegalArgumentException("RTT row " + String.join(",", row) + ": not a positive RTT");
            }
            if (pairs.put(key(from, to), new Measured(ms, row[3])) != null) {
                throw new IllegalArgumentException("RTT pair " + from + "-" + to + " listed twice");
            }
        }
        this.measured = Map.copyOf(pairs);
    }

    /** The catalog shipped with GDN: 19 Fly.io regions, every pair measured. */
    public static RegionCatalog standard() {
        return STANDARD;
    }

    /** The region with this code; an unknown code is an error that lists the known ones. */
    public Region region(String code) {
        Region r = regions.get(code);
        if (r == null) {
            throw new IllegalArgumentException("unknown region '" + code + "' (known: " + String.join(", ", order) + ")");
        }
        return r;
    }

    /** Every region, in catalog order. */
    public List<Region> regions() {
        List<Region> all = new ArrayList<>();
        for (String code : order) {
            all.add(regions.get(code));
        }
        return all;
    }

    /** Round-trip time from one region to another: measured when the data has the pair, else estimated. */
    public RoundTrip rtt(String from, String to) {
        return rtt(region(from), region(to));
    }

    public RoundTrip rtt(Region from, Region to) {
        if (from.code().equals(to.code())) {
            return new RoundTrip(from, to, 0, RoundTrip.Basis.SAME_REGION, "same region");
        }
        Measured m = measured.get(key(from.code(), to.code()));
        if (m != null) {
            return new RoundTrip(from, to, m.millis(), RoundTrip.Basis.MEASURED, m.source());
        }
        double km = from.distanceKm(to);
        double model = MODEL_INTERCEPT_MS + MODEL_MS_PER_KM * km;
        double floor = FLOOR_MS_PER_KM * km;
        return new RoundTrip(from, to, Math.max(floor, model), RoundTrip.Basis.ESTIMATE,
                String.format(java.util.Locale.ROOT, "estimate from %.0f km great-circle distance", km));
    }

    /** Parses a comma-separated list of region codes: known, distinct, at least one. */
    public List<Region> parseList(String codes) {
        List<Region> out = new ArrayList<>();
        for (String raw : codes.split(",", -1)) {
            String code = raw.trim();
            if (code.isEmpty()) {
                throw new IllegalArgumentException("empty region code in '" + codes + "'");
            }
            Region r = region(code);
            if (out.contains(r)) {
                throw new IllegalArgumentException("region " + code + " listed twice in '" + codes + "'");
            }
            out.add(r);
        }
        return out;
    }

    private static String key(String a, String b) {
        return a.compareTo(b) < 0 ? a + "-" + b : b + "-" + a;
    }

    private static RegionCatalog load() {
        List<Region> regions = new ArrayList<>();
        for (String[] row : csv("regions.csv", 4)) {
            regions.add(new Region(row[0], row[1], Double.parseDouble(row[2]), Double.parseDouble(row[3])));
        }
        return new RegionCatalog(regions, csv("regions-rtt.csv", 4));
    }

    /** Rows of a resource CSV of this package (no quoting: the files have no commas inside fields), header skipped. */
    private static List<String[]> csv(String name, int columns) {
        String resource = "/dev/gdn/regions/" + name;
        try (InputStream in = RegionCatalog.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the build");
            }
            List<String[]> rows = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            reader.readLine();
            String line;
            int n = 1;
            while ((line = reader.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] row = line.split(",", -1);
                if (row.length != columns) {
                    throw new IllegalStateException(resource + ":" + n + ": expected " + columns + " fields, got " + row.length);
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
