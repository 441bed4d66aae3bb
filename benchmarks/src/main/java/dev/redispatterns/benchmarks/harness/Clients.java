package dev.redispatterns.benchmarks.harness;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Clients as an application would create them: library defaults, except a 10 s command timeout so a
 * stalled cell fails instead of hanging (no operation here comes near it).
 */
public final class Clients {

	public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	private Clients() {
	}

	/** A Lettuce client; callers {@code shutdown()} it. */
	public static RedisClient lettuce(CellContext context) {
		io.lettuce.core.RedisURI uri = context.redisUri();
		uri.setTimeout(COMMAND_TIMEOUT);
		return RedisClient.create(uri);
	}

	/** A started Spring Data Redis connection factory (shared native connection, as Boot configures it). */
	public static LettuceConnectionFactory springConnectionFactory(CellContext context) {
		return springConnectionFactory(context.host(), context.port());
	}

	/** A started Spring Data Redis connection factory for {@code host:port}. */
	public static LettuceConnectionFactory springConnectionFactory(String host, int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port),
				LettuceClientConfiguration.builder().commandTimeout(COMMAND_TIMEOUT).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** A Redisson client with its default pools and codec. */
	public static RedissonClient redisson(CellContext context) {
		Config config = new Config();
		config.useSingleServer().setAddress(context.redisUrl()).setTimeout((int) COMMAND_TIMEOUT.toMillis());
		return Redisson.create(config);
	}

}
