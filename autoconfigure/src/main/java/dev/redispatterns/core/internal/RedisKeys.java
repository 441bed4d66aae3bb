package dev.redispatterns.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Builds every key the starter writes: {@code prefix:area:name:id}. Parts that come from application
 * data are escaped so that they can neither change the shape of a key nor pick its cluster slot: the
 * hash-tag characters <code>{ }</code>, {@code %}, control characters and lone surrogates are
 * percent-encoded, and parts longer than {@link #MAX_PART_LENGTH} characters are shortened to a prefix
 * plus {@code %~} plus a SHA-256 digest. Escaping is injective: two different parts never give the same
 * text, and a part that was not digested never looks like one that was (an escaped part never contains
 * {@code %~}).
 * <p>
 * Keys that one script touches together share a {@link SlotGroup}: the group's identity is wrapped in a
 * hash tag, so all of them land in the same Redis Cluster slot.
 */
public final class RedisKeys {

	/** Longest escaped key part kept verbatim; longer parts are digested. */
	public static final int MAX_PART_LENGTH = 200;

	private static final int KEPT_PREFIX_LENGTH = 64;

	private static final String DIGEST_MARKER = "%~";

	private static final char SEPARATOR = ':';

	private final String prefix;

	public RedisKeys(String prefix) {
		this.prefix = validatePrefix(prefix);
	}

	/**
	 * Checks a key prefix and returns it.
	 * @throws IllegalArgumentException if it is empty or contains characters that would break key shapes
	 */
	public static String validatePrefix(String prefix) {
		if (prefix == null || prefix.isEmpty()) {
			throw new IllegalArgumentException("must not be empty");
		}
		for (int i = 0; i < prefix.length(); i++) {
			char c = prefix.charAt(i);
			if (c == '{' || c == '}' || Character.isWhitespace(c) || Character.isISOControl(c)) {
				throw new IllegalArgumentException(
						"must not contain whitespace, control characters or the hash-tag characters { }: '" + prefix + "'");
			}
		}
		return prefix;
	}

	public String prefix() {
		return this.prefix;
	}

	/** A key {@code prefix:area:part1:part2...}, each part escaped. */
	public String key(String area, String... parts) {
		StringBuilder key = new StringBuilder(this.prefix.length() + area.length() + 16 * (parts.length + 1));
		key.append(this.prefix).append(SEPARATOR).append(area);
		for (String part : parts) {
			key.append(SEPARATOR);
			appendEscaped(key, part);
		}
		return key.toString();
	}

	/** The pattern matching every key of {@code area} whose leading parts are {@code parts}, for SCAN. */
	public String pattern(String area, String... parts) {
		return globEscape(key(area, parts)) + SEPARATOR + '*';
	}

	/**
	 * A group of keys that live in one cluster slot: <code>prefix:area:{part1:part2}</code> and
	 * <code>prefix:area:{part1:part2}:suffix</code>.
	 */
	public SlotGroup slotGroup(String area, String... parts) {
		StringBuilder key = new StringBuilder(this.prefix.length() + area.length() + 16 * (parts.length + 1));
		key.append(this.prefix).append(SEPARATOR).append(area).append(SEPARATOR).append('{');
		for (int i = 0; i < parts.length; i++) {
			if (i > 0) {
				key.append(SEPARATOR);
			}
			appendEscaped(key, parts[i]);
		}
		if (key.charAt(key.length() - 1) == '{') {
			// "{}" is no hash tag (Redis would hash whole keys, splitting the group); a lone "%" never escapes anything
			key.append('%');
		}
		key.append('}');
		return new SlotGroup(key.toString());
	}

	/** Escapes one key part as described on the class. */
	public static String escape(String part) {
		StringBuilder out = new StringBuilder(part.length() + 8);
		appendEscaped(out, part);
		return out.toString();
	}

	/**
	 * Whether the characters of {@code text} from {@code start} on are already their escaped form: nothing
	 * to encode and short enough to be kept verbatim, so {@link #escape} would return them unchanged.
	 */
	public static boolean isEscaped(CharSequence text, int start) {
		if (text.length() - start > MAX_PART_LENGTH) {
			return false;
		}
		for (int i = start; i < text.length(); i++) {
			if (needsEscape(text.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	private static void appendEscaped(StringBuilder out, String part) {
		int start = out.length();
		boolean plain = true;
		for (int i = 0; i < part.length(); i++) {
			char c = part.charAt(i);
			if (needsEscape(c)) {
				plain = false;
				break;
			}
		}
		if (plain) {
			out.append(part);
		}
		else {
			for (int i = 0; i < part.length(); i++) {
				char c = part.charAt(i);
				if (Character.isHighSurrogate(c) && i + 1 < part.length() && Character.isLowSurrogate(part.charAt(i + 1))) {
					out.append(c).append(part.charAt(++i));
				}
				else if (Character.isSurrogate(c)) {
					out.append("%u").append(HexFormat.of().withUpperCase().toHexDigits(c));
				}
				else if (c == '{' || c == '}' || c == '%' || c < 0x20 || c == 0x7F) {
					out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
				}
				else {
					out.append(c);
				}
			}
		}
		if (out.length() - start > MAX_PART_LENGTH) {
			String full = out.substring(start);
			out.setLength(start);
			// never split a surrogate pair; "%~" cannot occur in an escaped part, so no short part looks digested
			int kept = Character.isHighSurrogate(full.charAt(KEPT_PREFIX_LENGTH - 1)) ? KEPT_PREFIX_LENGTH - 1
					: KEPT_PREFIX_LENGTH;
			out.append(full, 0, kept).append(DIGEST_MARKER).append(sha256(full));
		}
	}

	private static boolean needsEscape(char c) {
		return c == '{' || c == '}' || c == '%' || c < 0x20 || c == 0x7F || Character.isSurrogate(c);
	}

	private static String globEscape(String key) {
		StringBuilder out = new StringBuilder(key.length() + 4);
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
				out.append('\\');
			}
			out.append(c);
		}
		return out.toString();
	}

	private static String sha256(String value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Keys sharing one hash tag, hence one cluster slot.
	 * @param base the tagged base key, <code>prefix:area:{...}</code>
	 */
	public record SlotGroup(String base) {

		/** The base key itself. */
		public String key() {
			return this.base;
		}

		/** A companion key <code>base:suffix</code> in the same slot. */
		public String key(String suffix) {
			return this.base + SEPARATOR + suffix;
		}

	}

}
