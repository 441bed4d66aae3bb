package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

	/** A stream entry as the harness's client reads it. */
	record StreamEntry(String id, Map<String, String> fields) {

	}

	/** {@code XRANGE key - +}. */
	static List<StreamEntry> range(RedisDeployment redis, String key) {
		return entries(redis.command("XRANGE", key, "-", "+"));
	}

	static List<StreamEntry> entries(Object reply) {
		List<StreamEntry> entries = new ArrayList<>();
		if (reply instanceof List<?> list) {
			for (Object item : list) {
				List<?> entry = (List<?>) item;
				Map<String, String> fields = new LinkedHashMap<>();
				List<?> flat = (List<?>) entry.get(1);
				for (int i = 0; i + 1 < flat.size(); i += 2) {
					fields.put(string(flat.get(i)), string(flat.get(i + 1)));
				}
				entries.add(new StreamEntry(string(entry.get(0)), fields));
			}
		}
		return entries;
	}

	/** Redis's clock in milliseconds ({@code TIME}). */
	static long redisMillis(RedisDeployment redis) {
		List<?> time = (List<?>) redis.command("TIME");
		return Long.parseLong(string(time.get(0))) * 1000 + Long.parseLong(string(time.get(1))) / 1000;
	}

	/** Text of a RESP reply element (bulk strings come back as byte arrays or strings). */
	static String string(Object value) {
		return (value instanceof byte[] bytes) ? text(bytes) : String.valueOf(value);
	}

}
