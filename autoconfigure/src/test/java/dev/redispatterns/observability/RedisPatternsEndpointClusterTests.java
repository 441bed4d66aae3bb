package dev.redispatterns.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.autoconfigure.observability.RedisPatternsEndpointAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.observability.internal.RedisPatternsEndpoint;
import dev.redispatterns.observability.internal.RedisPatternsWritableEndpoint;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint on Redis Cluster: stream groups, queue depths, held locks and the rate-limit inspect read
 * from the nodes owning their keys.
 */
@RedisTest(topology = Topology.CLUSTER)
class RedisPatternsEndpointClusterTests {

	@Test
	@SuppressWarnings("unchecked")
	void describesStreamsLocksAndBucketsOnACluster(RedisDeployment redis) {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
					RedisPatternsLockAutoConfiguration.class, RedisPatternsMessagingAutoConfiguration.class,
					RedisPatternsEndpointAutoConfiguration.class))
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("management.endpoints.web.exposure.include=redispatterns",
					"redis.patterns.rate-limit.policies.api.algorithm=fixed-window",
					"redis.patterns.rate-limit.policies.api.limit=3", "redis.patterns.rate-limit.policies.api.window=1h",
					"redis.patterns.messaging.streams.orders.max-length=100", "redis.patterns.messaging.queues.mails.max-length=10")
			.run((context) -> {
				RedisPatternsEndpoint endpoint = context.getBean(RedisPatternsEndpoint.class);
				assertThat(endpoint).isNotInstanceOf(RedisPatternsWritableEndpoint.class);
				context.getBean(RateLimiter.class).tryAcquire("api", "user-1");
				context.getBean(StreamPublisher.class).publish("orders", "order-1");
				try (LockHandle lock = context.getBean(LockManager.class)
					.lock("order:1", LockRequest.waitFor(Duration.ofSeconds(1)))) {
					Map<String, Object> report = endpoint.describe();
					assertThat(report).containsEntry("topology", "cluster");
					Map<String, Object> orders = (Map<String, Object>) ((Map<String, Object>) report.get("streams"))
						.get("orders");
					assertThat(orders).containsEntry("length", 1L).containsEntry("deadLetters", 0L)
						.containsEntry("groups", List.of());
					Map<String, Object> mails = (Map<String, Object>) ((Map<String, Object>) report.get("queues"))
						.get("mails");
					assertThat(mails).containsEntry("ready", 0L).doesNotContainKey("error");
					List<Map<String, Object>> held = (List<Map<String, Object>>) ((Map<String, Object>) report
						.get("locks")).get("held");
					assertThat(held).singleElement().satisfies((entry) -> {
						// held lock names can be user data: masked unless the endpoint is told to show them
						assertThat((String) entry.get("name")).startsWith("masked:").doesNotContain("order");
						assertThat(entry).containsEntry("fencingToken", lock.fencingToken());
					});
				}
				Map<String, Object> bucket = (Map<String, Object>) endpoint.part(RedisPatternsEndpoint.RATE_LIMIT,
						new String[] { "api", "user-1" });
				assertThat(bucket).containsEntry("exists", true).containsEntry("remaining", 2L);
			});
	}

}
