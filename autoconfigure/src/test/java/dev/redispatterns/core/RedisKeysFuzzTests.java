package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import dev.redispatterns.core.internal.RedisKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based test of the key builder over hostile input: random Unicode including lone surrogates,
 * control characters, hash-tag braces, {@code %}, {@code ~}, separators and very long strings. Every
 * escaped part is bounded, valid UTF-16 without braces or control characters; escaping is injective (a
 * part that was not digested decodes back to its input, and never looks like a digested one); no input
 * chooses a key's cluster slot. The seed is printed and can be set with {@code -Dfuzz.seed=...}.
 */
class RedisKeysFuzzTests {

	private static final int RUNS = 20_000;

	private final long seed = Long.getLong("fuzz.seed", System.nanoTime());

	private final Random random = new Random(this.seed);

	private final RedisKeys keys = new RedisKeys("rp");

	@Test
	void escapedPartsAreBoundedValidAndInjective() {
		Map<String, String> seen = new HashMap<>();
		for (int run = 0; run < RUNS; run++) {
			String input = hostileString();
			String escaped = RedisKeys.escape(input);
			String context = "seed " + this.seed + ", input " + printable(input);
			assertThat(escaped.length()).as(context).isLessThanOrEqualTo(RedisKeys.MAX_PART_LENGTH);
			assertThat(isValidUtf16(escaped)).as("valid UTF-16: " + context).isTrue();
			assertThat(escaped).as(context).doesNotContain("{", "}", "\n", "\r", "\u0000", "\u007f");
			assertThat(escaped.chars().noneMatch((c) -> c < 0x20)).as(context).isTrue();
			assertThat(new String(escaped.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).as(context)
				.isEqualTo(escaped);
			boolean digested = escaped.contains("%~");
			if (digested) {
				assertThat(escaped.length()).as(context).isLessThan(100);
			}
			else {
				assertThat(unescape(escaped)).as("decodes back to the input: " + context).isEqualTo(input);
			}
			String earlier = seen.putIfAbsent(escaped, input);
			assertThat(earlier == null || earlier.equals(input))
				.as("two inputs, one key: " + printable(earlier) + " and " + context)
				.isTrue();
		}
	}

	@Test
	void aShortPartNeverPassesForADigestedOne() {
		String longInput = "u".repeat(300);
		String digested = RedisKeys.escape(longInput);
		assertThat(digested).contains("%~");
		assertThat(RedisKeys.escape(digested)).as("the digested text, given as input, is escaped differently")
			.isNotEqualTo(digested);
		String tilde = "u".repeat(64) + "~" + "0".repeat(32);
		assertThat(RedisKeys.escape(tilde)).isEqualTo(tilde).doesNotContain("%~");
		assertThat(this.keys.slotGroup("lock", "").key()).as("an empty part still makes a hash tag")
			.isNotEqualTo(this.keys.slotGroup("lock", "%").key())
			.isNotEqualTo(this.keys.slotGroup("lock", "%25").key());
		String pairAtTheCut = "x".repeat(63) + "\uD83D\uDE00" + "y".repeat(300);
		assertThat(isValidUtf16(RedisKeys.escape(pairAtTheCut))).as("no surrogate pair split by the cut").isTrue();
	}

	@Test
	void noInputChoosesTheClusterSlot() {
		for (int run = 0; run < RUNS / 4; run++) {
			String input = hostileString();
			String context = "seed " + this.seed + ", input " + printable(input);
			String tagged = this.keys.slotGroup("lock", input).key("fence");
			assertThat(tagged.chars().filter((c) -> c == '{').count()).as(context).isEqualTo(1);
			assertThat(tagged.chars().filter((c) -> c == '}').count()).as(context).isEqualTo(1);
			String tag = tagged.substring(tagged.indexOf('{') + 1, tagged.indexOf('}'));
			assertThat(tag).as("never empty, or Redis would hash the whole key: " + context).isNotEmpty();
			assertThat(SlotHash.getSlot(tagged)).as(context).isEqualTo(SlotHash.getSlot(tag));
			assertThat(SlotHash.getSlot(this.keys.slotGroup("lock", input).key())).as("companion keys share the slot")
				.isEqualTo(SlotHash.getSlot(tagged));
			String plain = this.keys.key("rl", "api", input);
			assertThat(plain).as("no hash tag at all: the whole key is hashed, " + context).doesNotContain("{", "}");
			assertThat(plain).startsWith("rp:rl:api:");
		}
	}

	@Test
	void keysStayBoundedWhateverTheirParts() {
		for (int run = 0; run < 200; run++) {
			String[] parts = { hostileString(), "x".repeat(this.random.nextInt(50_000)), hostileString() };
			String key = this.keys.key("cache", parts);
			assertThat(key.length()).isLessThanOrEqualTo("rp:cache".length() + 3 * (RedisKeys.MAX_PART_LENGTH + 1));
		}
	}

	private String hostileString() {
		int shape = this.random.nextInt(10);
		int length = switch (shape) {
			case 0 -> 0;
			case 1 -> 190 + this.random.nextInt(30);
			case 2 -> 1_000 + this.random.nextInt(10_000);
			default -> this.random.nextInt(40);
		};
		StringBuilder text = new StringBuilder(length);
		while (text.length() < length) {
			int kind = this.random.nextInt(12);
			switch (kind) {
				case 0 -> text.append((char) (0xD800 + this.random.nextInt(0x400)));
				case 1 -> text.append((char) (0xDC00 + this.random.nextInt(0x400)));
				case 2 -> text.appendCodePoint(0x10000 + this.random.nextInt(0xFFFFF));
				case 3 -> text.append((char) this.random.nextInt(0x20));
				case 4 -> text.append("{}%~:*?[]\\\u007f".charAt(this.random.nextInt(11)));
				case 5 -> text.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) this.random.nextInt()));
				case 6 -> text.append("%u").append(HexFormat.of().withUpperCase().toHexDigits((char) this.random.nextInt()));
				case 7 -> text.append((char) this.random.nextInt(0xD800));
				default -> text.append((char) ('a' + this.random.nextInt(26)));
			}
		}
		return text.toString();
	}

	/** Reverses the percent-encoding of a part that was not digested. */
	private static String unescape(String escaped) {
		StringBuilder out = new StringBuilder(escaped.length());
		for (int i = 0; i < escaped.length(); i++) {
			char c = escaped.charAt(i);
			if (c != '%') {
				out.append(c);
			}
			else if (escaped.charAt(i + 1) == 'u') {
				out.append((char) Integer.parseInt(escaped.substring(i + 2, i + 6), 16));
				i += 5;
			}
			else {
				out.append((char) Integer.parseInt(escaped.substring(i + 1, i + 3), 16));
				i += 2;
			}
		}
		return out.toString();
	}

	private static boolean isValidUtf16(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c)) {
				if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
					return false;
				}
				i++;
			}
			else if (Character.isLowSurrogate(c)) {
				return false;
			}
		}
		return true;
	}

	private static String printable(String text) {
		if (text == null) {
			return "null";
		}
		StringBuilder out = new StringBuilder();
		text.codePoints().limit(80).forEach((c) -> {
			if (c < 0x20 || c > 0x7e) {
				out.append(String.format("\\u%04x", c));
			}
			else {
				out.appendCodePoint(c);
			}
		});
		return out + ((text.length() > 80) ? "... (" + text.length() + " chars)" : "");
	}

}
