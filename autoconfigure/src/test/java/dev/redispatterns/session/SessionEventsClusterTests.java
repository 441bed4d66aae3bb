package dev.redispatterns.session;

import org.junit.jupiter.api.Test;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest(topology = Topology.CLUSTER)
class SessionEventsClusterTests extends SessionEventsContractTests {

	SessionEventsClusterTests(RedisDeployment redis) {
		super(redis);
	}

	@Test
	void eventsOnClusterInPortableModeFailTheStartNamingTheProperty() {
		this.runner.withPropertyValues("redis.patterns.client=portable", "redis.patterns.session.events.enabled=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidPropertyException.class)
					.hasMessageContaining("redis.patterns.session.events.enabled")
					.hasMessageContaining("need Lettuce");
			});
		this.runner
			.withPropertyValues("redis.patterns.client=portable", "spring.session.data.redis.repository-type=indexed")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidPropertyException.class)
					.hasMessageContaining("spring.session.data.redis.repository-type")
					.hasMessageContaining("need Lettuce");
			});
	}

}
