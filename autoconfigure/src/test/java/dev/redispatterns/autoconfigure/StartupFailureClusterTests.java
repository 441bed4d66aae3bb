package dev.redispatterns.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.messaging.PubSubListener;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up refusals that only a Redis Cluster provokes, as Spring Boot's failure analysis reports them.
 */
@RedisTest(topology = Topology.CLUSTER)
class StartupFailureClusterTests {

	private final ApplicationContextRunner runner;

	StartupFailureClusterTests(RedisDeployment redis) {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsMessagingAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void patternListenerWithShardedPubSubIsReportedWithBothWaysOut() {
		this.runner.withUserConfiguration(PatternListener.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new RedisPatternsConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).isEqualTo("@PubSubListener method " + PatternListener.class.getName()
					+ ".onAnyPrice() subscribes to patterns [prices.*], which sharded pub/sub on Redis Cluster "
					+ "('redis.patterns.messaging.pub-sub.sharded', on by default there) cannot do");
			assertThat(analysis.getAction()).isEqualTo("Subscribe to channels instead of patterns, or set "
					+ "'redis.patterns.messaging.pub-sub.sharded' to false to use cluster-wide pub/sub.");
		});
		this.runner.withUserConfiguration(PatternListener.class)
			.withPropertyValues("redis.patterns.messaging.pub-sub.sharded=false")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	static class PatternListener {

		@PubSubListener(patterns = "prices.*")
		void onAnyPrice(String price) {
		}

	}

}
