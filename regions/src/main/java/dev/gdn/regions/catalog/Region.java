package dev.gdn.regions.catalog;

/**
 * A region: its Fly.io code, the city it stands for, and coordinates (degrees) for the great-circle
 * fallback of the RTT model.
 */
public record Region(String code, String city, double latitude, double longitude) {
    public Region {
        if (code == null || !code.matches("[a-z]{3}")) {
            throw new IllegalArgumentException("a region code is three lower-case letters, not '" + code + "'");
        }
        if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
            throw new IllegalArgumentException(code + ": coordinates out of range: " + latitude + ", " + longitude);
        }
    }

    /** Great-circle distance in km (haversine, mean Earth radius 6371 km). */
    public double distanceKm(Region other) {
        double phi1 = Math.toRadians(latitude);
        double phi2 = Math.toRadians(other.latitude);
        double dPhi = phi2 - phi1;
        double dLambda = Math.toRadians(other.longitude - longitude);
        double a = Math.pow(Math.sin(dPhi / 2), 2) + Math.cos(phi1) * Math.cos(phi2) * Math.pow(Math.sin(dLambda / 2), 2);
        return 2 * 6371.0 * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
