package dev.redispatterns.core;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;

import dev.redispatterns.core.internal.RedisSignals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzzes the codec with random and mutated payloads: valid payloads with bytes flipped, cut, repeated or
 * spliced, type ids swapped for gadget and starter class names, deep nesting, huge numbers and raw
 * garbage. Decoding either returns a value made only of allowed types or throws
 * {@link ValueDecodingException} — never another exception — and no refused class is ever initialised.
 * The seed is printed and can be set with {@code -Dfuzz.seed=...}.
 */
class JsonValueCodecFuzzTests {

	private static final int RUNS = 10_000;

	/** Gadget and infrastructure classes a hostile payload might name. */
	private static final List<String> HOSTILE_TYPES = List.of("gadget.Gadget", "gadget.GadgetHolder",
			"com.sun.rowset.JdbcRowSetImpl", "java.lang.ProcessBuilder", "java.lang.Runtime", "java.lang.Thread",
			"java.net.URL", "java.net.InetAddress", "java.io.File", "java.lang.Object",
			"java.util.concurrent.ThreadPoolExecutor", "java.util.Timer", "javax.management.loading.MLet",
			"org.springframework.context.support.ClassPathXmlApplicationContext",
			"dev.redispatterns.core.internal.RedisSignals", "dev.redispatterns.messaging.internal.ShardedPubSubSubscriber",
			"dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration", "[Lgadget.Gadget;",
			"java.util.ArrayList$Gadget", "java.util.logging.FileHandler");

	public record Item(String sku, int quantity, BigDecimal price, List<Object> tags) {
	}

	private final long seed = Long.getLong("fuzz.seed", System.nanoTime());

	private final Random random = new Random(this.seed);

	private final JsonValueCodec codec = new JsonValueCodec(TypeAllowList.of(List.of(), List.of(Item.class.getName())),
			0, (builder) -> {
			});

	private final List<byte[]> valid = List.of(this.codec.encode(new Item("a", 2, new BigDecimal("9.99"), List.of(1L,
			"x", Instant.EPOCH))), this.codec.encode(List.of(new Item("b", 1, BigDecimal.ONE, List.of()))),
			this.codec.encode(Map.of("k", List.of(UUID.randomUUID(), 3L), "n", 1.5)),
			this.codec.encode(new TreeSet<>(Set.of("x", "y"))), this.codec.encode("text"), this.codec.encode(42L));

	@Test
	void randomAndMutatedPayloadsDecodeToAllowedTypesOrAreRefused() {
		int decoded = 0;
		for (int run = 0; run < RUNS; run++) {
			byte[] payload = payload();
			Object value;
			try {
				value = this.codec.decode(payload);
			}
			catch (ValueDecodingException ex) {
				continue;
			}
			catch (Throwable ex) {
				fail("seed " + this.seed + ": " + ex + " for " + new String(payload, StandardCharsets.UTF_8), ex);
				return;
			}
			decoded++;
			assertAllowed(value, new IdentityHashMap<>(), new String(payload, StandardCharsets.UTF_8));
		}
		assertThat(decoded).as("some mutations still decode, so the allowed types are really checked").isPositive();
		assertThat(System.getProperty("gadget.Gadget.initialized")).as("never initialised").isNull();
		assertThat(System.getProperty("gadget.Gadget.instantiated")).as("never instantiated").isNull();
	}

	@Test
	void typedReadsOfGarbageOnlyEverThrowValueDecodingException() {
		for (int run = 0; run < RUNS / 4; run++) {
			byte[] payload = payload();
			try {
				this.codec.read(payload, Item.class);
			}
			catch (ValueDecodingException ex) {
				// refused
			}
			catch (Throwable ex) {
				fail("seed " + this.seed + ": " + ex + " for " + new String(payload, StandardCharsets.UTF_8), ex);
			}
		}
	}

	private void assertAllowed(Object value, Map<Object, Boolean> visited, String payload) {
		if (value == null || visited.put(value, Boolean.TRUE) != null) {
			return;
		}
		Class<?> type = value.getClass();
		if (!type.isEnum() && !type.isArray()) {
			assertThat(this.codec.allowList().isAllowed(type.getName()))
				.as("seed " + this.seed + ": decoded a " + type.getName() + " from " + payload)
				.isTrue();
		}
		if (value instanceof Iterable<?> iterable) {
			iterable.forEach((element) -> assertAllowed(element, visited, payload));
		}
		else if (value instanceof Map<?, ?> map) {
			map.forEach((key, element) -> {
				assertAllowed(key, visited, payload);
				assertAllowed(element, visited, payload);
			});
		}
		else if (type.isArray() && !type.getComponentType().isPrimitive()) {
			for (int i = 0; i < Array.getLength(value); i++) {
				assertAllowed(Array.get(value, i), visited, payload);
			}
		}
		else if (value instanceof Item item) {
			assertAllowed(item.tags(), visited, payload);
		}
	}

	private byte[] payload() {
		return switch (this.random.nextInt(8)) {
			case 0 -> garbage();
			case 1 -> deep();
			case 2 -> hugeNumber();
			case 3, 4 -> swapTypes(text(pick()));
			default -> mutate(pick());
		};
	}

	private byte[] pick() {
		return this.valid.get(this.random.nextInt(this.valid.size())).clone();
	}

	private byte[] mutate(byte[] bytes) {
		List<Byte> out = new ArrayList<>(bytes.length);
		for (byte b : bytes) {
			out.add(b);
		}
		int mutations = 1 + this.random.nextInt(4);
		for (int i = 0; i < mutations && !out.isEmpty(); i++) {
			int at = this.random.nextInt(out.size());
			switch (this.random.nextInt(5)) {
				case 0 -> out.set(at, (byte) this.random.nextInt(256));
				case 1 -> out.remove(at);
				case 2 -> out.add(at, "{}[]\",:@0-9eE.".getBytes(StandardCharsets.US_ASCII)[this.random.nextInt(14)]);
				case 3 -> out.subList(at, out.size()).clear();
				default -> {
					int length = Math.min(out.size() - at, 1 + this.random.nextInt(20));
					out.addAll(at, new ArrayList<>(out.subList(at, at + length)));
				}
			}
		}
		byte[] result = new byte[out.size()];
		for (int i = 0; i < result.length; i++) {
			result[i] = out.get(i);
		}
		return result;
	}

	/** Replaces class names in a valid payload by hostile ones, or wraps it in a hostile type. */
	private byte[] swapTypes(String json) {
		String hostile = HOSTILE_TYPES.get(this.random.nextInt(HOSTILE_TYPES.size()));
		String result = switch (this.random.nextInt(3)) {
			case 0 -> json.replaceFirst("\"(java|dev)\\.[A-Za-z0-9_.$]+\"",
					Matcher.quoteReplacement("\"" + hostile + "\""));
			case 1 -> "[\"" + hostile + "\"," + json + "]";
			default -> "{\"@class\":\"" + hostile + "\",\"value\":" + json + ",\"command\":\"id\"}";
		};
		return result.getBytes(StandardCharsets.UTF_8);
	}

	private byte[] garbage() {
		byte[] bytes = new byte[this.random.nextInt(200)];
		this.random.nextBytes(bytes);
		return bytes;
	}

	private byte[] deep() {
		int depth = 600 + this.random.nextInt(20_000);
		String open = this.random.nextBoolean() ? "[\"java.util.ArrayList\",[" : "[";
		return (open.repeat(depth) + "1" + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
	}

	private byte[] hugeNumber() {
		String digits = "9".repeat(1_000 + this.random.nextInt(20_000));
		return switch (this.random.nextInt(3)) {
			case 0 -> digits.getBytes(StandardCharsets.US_ASCII);
			case 1 -> ("[\"java.math.BigDecimal\",1e" + digits + "]").getBytes(StandardCharsets.US_ASCII);
			default -> ("[\"java.math.BigInteger\"," + digits + "]").getBytes(StandardCharsets.US_ASCII);
		};
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
