package dev.redispatterns.messaging;

import java.time.Duration;

import org.junit.jupiter.api.Assumptions;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisPatternsThreads;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;
import dev.redispatterns.test.TestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream contract on Lettuce in portable mode ({@code redis.patterns.client=portable}): the blocking
 * reads through Spring Data Redis's Lettuce connection instead of a Lettuce connection of the consumer's own.
 */
@RedisTopologies(Topology.STANDALONE)
class StreamConsumerPortableLettuceTests extends StreamConsumerContractTests {

	@Override
	RedisConnectionFactory factory(RedisDeployment redis) {
		// Lettuce whichever client the run is for: once is enough
		Assumptions.assumeTrue(TestClient.current() == TestClient.LETTUCE, "runs in the Lettuce run");
		return RedisConnectionFactories.lettuce(redis);
	}

	@Override
	RedisConnector connector(RedisConnectionFactory factory) {
		RedisConnector connector = new RedisConnector(factory, Duration.ofSeconds(2), RedisPatternsThreads.platform(),
				true);
		assertThat(connector.isNative()).isFalse();
		return connector;
	}

}
