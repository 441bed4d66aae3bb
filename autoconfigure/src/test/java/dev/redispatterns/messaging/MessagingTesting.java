package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.redispatterns.core.JsonValueCodec;
import dev.redispatterns.core.TypeAllowList;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.test.RedisDeployment;

/**
 * Helpers shared by the messaging tests: waiting for a condition with a deadline (never a fixed sleep
 * followed by an assertion) and reading Redis state through the harness's independent client.
 */
final class MessagingTesting {

	private MessagingTesting() {
	}

	static ValueCodec codec() {
		return new JsonValueCodec(TypeAllowList.of(List.of("dev.redispatterns"), List.of()), 1024 * 1024,
				(builder) -> {
				});
	}

	/** Waits until {@code condition} holds, failing with {@code description} after {@code timeout}. */
	static void await(Duration timeout, BooleanSupplier condition, Supplier<String> description) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Timed out after " + timeout + " waiting for: " + description.get());
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted", ex);
			}
		}
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	static long number(RedisDeployment redis, Object... command) {
		Object reply = redis.command(command);
		return ((Number) reply).longValue();
	}

	/** Entries pending for {@code group} of {@code stream} (XPENDING summary count). */
	static long pending(RedisDeployment redis, String stream, String group) {
		List<?> summary = (List<?>) redis.command("XPENDING", stream, group);
		return ((Number) summary.get(0)).longValue();
	}

	/** Text of a RESP reply element (bulk strings come back as byte arrays or strings). */
	static String string(Object value) {
		return (value instanceof byte[] bytes) ? text(bytes) : String.valueOf(value);
	}

}
