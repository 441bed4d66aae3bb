package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.util.ClassUtils;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.ScriptExecutor;

/**
 * Makes a publish safe to run twice. When a connection drops after a command was sent but before its reply
 * came, Lettuce sends the command again once it has reconnected, and Jedis's cluster client on another
 * connection, so Redis may run one publish twice. Each publish therefore carries an id of its own, and its
 * script remembers the id for {@link #window} in a hash next to the stream or queue (same slot; a sorted set by
 * expiry lets each call forget a bounded batch of old ids): a second run finds it and returns the first run's
 * outcome instead of adding again. One hash per stream or queue, not one key per publish, so the script's keys
 * exist while the stream or queue is in use and move with it during a cluster slot migration. Lettuce never
 * sends a command again once it has timed out (Spring Boot turns Lettuce's command timeouts on), and Jedis's
 * cluster client stops after its read timeout times its attempts, so remembering ids for the longer of that
 * and {@code redis.patterns.command-timeout} plus {@link #MARGIN} covers every re-send.
 */
final class Resends {

	/** Beyond the command timeout: a re-send written just before it timed out, still in flight. */
	static final Duration MARGIN = Duration.ofSeconds(10);

	private Resends() {
	}

	/** Attempts of Jedis's cluster client when its factory does not say (Spring Data's default redirects). */
	private static final int DEFAULT_CLUSTER_ATTEMPTS = 5;

	private static final boolean JEDIS_PRESENT = ClassUtils.isPresent("redis.clients.jedis.Jedis",
			Resends.class.getClassLoader());

	/** How long publish ids are remembered. */
	static Duration window(RedisConnector connector) {
		Duration client = connector.clientTimeout();
		if (!connector.isNative() && connector.isCluster()) {
			// Jedis's cluster client sends a command again after a broken connection, for up to its read timeout
			// times its attempts
			client = client.multipliedBy(clusterAttempts(connector));
		}
		Duration longest = (client.compareTo(connector.commandTimeout()) > 0) ? client : connector.commandTimeout();
		return longest.plus(MARGIN);
	}

	private static int clusterAttempts(RedisConnector connector) {
		if (JEDIS_PRESENT && connector.connectionFactory() instanceof JedisConnectionFactory jedis) {
			RedisClusterConfiguration cluster = jedis.getClusterConfiguration();
			Integer redirects = (cluster != null) ? cluster.getMaxRedirects() : null;
			if (redirects != null && redirects > 0) {
				return redirects;
			}
		}
		return DEFAULT_CLUSTER_ATTEMPTS;
	}

	/** {@link #window} in milliseconds, as a script argument. */
	static byte[] windowArg(RedisConnector connector) {
		return ScriptExecutor.arg(window(connector).toMillis());
	}

	/** A new publish id: 96 random bits in hex, unique across applications for all practical purposes. */
	static String newId() {
		byte[] random = new byte[12];
		ThreadLocalRandom.current().nextBytes(random);
		return HexFormat.of().formatHex(random);
	}

	static byte[] utf8(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
