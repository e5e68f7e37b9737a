/**
 * Regions: the region catalog and RTT model ({@code catalog}), the CDN tier on Varnish ({@code cdn}),
 * the user-space latency links ({@code link}) and the local multi-region world ({@code world}).
 */
package dev.gdn.regions;
