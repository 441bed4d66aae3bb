/**
 * Test harness giving tests real Redis servers: standalone, a local cluster and a Sentinel set-up, as
 * {@code redis-server} processes on free loopback ports or Testcontainers containers.
 */
package dev.redispatterns.test;
