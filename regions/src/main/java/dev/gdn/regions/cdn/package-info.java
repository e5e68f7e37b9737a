/**
 * The CDN tier on Varnish 7.1: the VCL of the belt POP (in front of the GDN nodes, the region's own node
 * first and the other regions' as fallbacks) and of the suspenders POP (in front of the classic API), in
 * this package's resources, and {@link dev.gdn.regions.cdn.VarnishPop}, which runs one POP as a child
 * {@code varnishd} with origins generated per POP.
 */
package dev.gdn.regions.cdn;
