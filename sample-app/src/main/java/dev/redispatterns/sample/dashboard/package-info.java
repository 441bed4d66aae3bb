/**
 * The live dashboard: a static page that polls one JSON endpoint built from the starter's Micrometer
 * meters and services, and receives notifications over Server-Sent Events.
 */
@NullMarked
package dev.redispatterns.sample.dashboard;

import org.jspecify.annotations.NullMarked;
