/**
 * Test harness giving tests real Redis servers: standalone, a local cluster and a Sentinel set-up, as
 * {@code redis-server} processes on free loopback ports or Testcontainers containers.
 * <p>
 * An application's Spring Boot tests get their Redis like this: with Docker, through Boot's own
 * {@code @ServiceConnection} on a Testcontainers container (module {@code spring-boot-testcontainers}):
 * <pre>{@code
 * @Bean
 * @ServiceConnection(name = "redis")
 * GenericContainer<?> redis() {
 *     return new GenericContainer<>("redis:7.4-alpine").withExposedPorts(6379);
 * }
 * }</pre>
 * and, with or without Docker, for a standalone server, a cluster or a Sentinel set-up of this harness,
 * through {@link dev.redispatterns.test.RedisConnectionDetails}, the same {@code DataRedisConnectionDetails}
 * that {@code @ServiceConnection} supplies.
 */
package dev.redispatterns.test;
