package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ScriptExecutor;

/**
 * Makes a publish safe to run twice. When a connection drops after a command was sent but before its reply
 * came, Lettuce sends the command again once it has reconnected, so Redis may run one publish twice. Each
 * publish therefore carries an id of its own, and its script remembers the id for {@link #window} in a hash
 * next to the stream or queue (same slot; a sorted set by expiry lets each call forget a bounded batch of old
 * ids): a second run finds it and returns the first run's outcome instead of adding again. One hash per stream
 * or queue, not one key per publish, so the script's keys exist while the stream or queue is in use and move
 * with it during a cluster slot migration. Lettuce never sends a command again once it has timed out (Spring
 * Boot turns Lettuce's command timeouts on), so remembering ids for the longer of the two command timeouts
 * ({@code spring.data.redis.timeout}, {@code redis.patterns.command-timeout}) plus {@link #MARGIN} covers every
 * re-send.
 */
final class Resends {

	/** Beyond the command timeout: a re-send written just before it timed out, still in flight. */
	static final Duration MARGIN = Duration.ofSeconds(10);

	private Resends() {
	}

	/** How long publish ids are remembered. */
	static Duration window(RedisConnector connector) {
		Duration lettuce = connector.clientTimeout();
		Duration longest = (lettuce.compareTo(connector.commandTimeout()) > 0) ? lettuce : connector.commandTimeout();
		return longest.plus(MARGIN);
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
