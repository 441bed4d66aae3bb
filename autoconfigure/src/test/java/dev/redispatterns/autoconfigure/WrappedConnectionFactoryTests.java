package dev.redispatterns.autoconfigure;

import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisSentinelConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.ratelimit.RateLimitExceededException;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An application whose {@link RedisConnectionFactory} wraps Lettuce's (tracing, routing, metrics
 * decorators): the starter cannot reach Lettuce behind it, so it runs in portable mode, through the
 * wrapper, and every command passes the application's decoration.
 */
@RedisTest
@Timeout(60)
class WrappedConnectionFactoryTests {

	@Test
	void theStarterRunsThroughADecoratedFactory(RedisDeployment redis) {
		redis.flushAll();
		LettuceConnectionFactory lettuce = RedisConnectionFactories.lettuce(redis);
		try {
			Decorated decorated = new Decorated(lettuce);
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
						RedisPatternsAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
						RedisPatternsLockAutoConfiguration.class))
				.withBean(RedisConnectionFactory.class, () -> decorated)
				.withUserConfiguration(WithoutAspectJTests.Services.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context.getBean(RedisConnector.class).isNative()).isFalse();
					WithoutAspectJTests.Limited limited = context.getBean(WithoutAspectJTests.Limited.class);
					limited.call();
					assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(limited::call);
					WithoutAspectJTests.Locked locked = context.getBean(WithoutAspectJTests.Locked.class);
					long first = locked.fencingToken();
					assertThat(locked.fencingToken()).isGreaterThan(first);
					assertThat(decorated.connections).as("every command went through the decorator").hasPositiveValue();
				});
		}
		finally {
			lettuce.destroy();
		}
	}

	/** A decorator as tracing and routing libraries write them: counts what it hands out. */
	static final class Decorated implements RedisConnectionFactory {

		private final RedisConnectionFactory delegate;

		final AtomicInteger connections = new AtomicInteger();

		Decorated(RedisConnectionFactory delegate) {
			this.delegate = delegate;
		}

		@Override
		public RedisConnection getConnection() {
			this.connections.incrementAndGet();
			return this.delegate.getConnection();
		}

		@Override
		public RedisClusterConnection getClusterConnection() {
			this.connections.incrementAndGet();
			return this.delegate.getClusterConnection();
		}

		@Override
		public boolean getConvertPipelineAndTxResults() {
			return this.delegate.getConvertPipelineAndTxResults();
		}

		@Override
		public RedisSentinelConnection getSentinelConnection() {
			return this.delegate.getSentinelConnection();
		}

		@Override
		public @Nullable DataAccessException translateExceptionIfPossible(RuntimeException ex) {
			return this.delegate.translateExceptionIfPossible(ex);
		}

	}

}
