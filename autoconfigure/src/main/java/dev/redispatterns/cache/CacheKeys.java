package dev.redispatterns.cache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Array;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.interceptor.SimpleKey;

import dev.redispatterns.core.internal.RedisKeys;

/**
 * The Redis key of an entry, <code>prefix:cache:{name:key}</code>, built so that two different cache
 * names, or two different keys of one cache, never share a Redis key.
 * <p>
 * The name is escaped as any key part and has its {@code :} percent-encoded too, so a name ends at the
 * first {@code :} after the brace: cache {@code users} and cache {@code users:v2} never overlap, not even in
 * a {@code SCAN} pattern. The key is written with a type tag and its length, readable yet unambiguous:
 * <pre>
 * "42"                     s2:42
 * 42L                      l2:42
 * SimpleKey("a,b", "c")    K2:s3:a,b,s1:c
 * ProductId[id=7]          o37:com.example.ProductId:ProductId[id=7]
 * </pre>
 * Tags: {@code s} String, {@code l} Long, {@code i} Integer, {@code h} Short, {@code b} Byte, {@code d}
 * Double, {@code f} Float, {@code z} Boolean, {@code c} Character, {@code e} enum constant (class and name),
 * {@code o} any other type (class and {@code toString()}), {@code n} null; {@code K} a {@code SimpleKey},
 * {@code A} an array and {@code L} a {@code List}, each followed by its element count. A type without a
 * {@code toString()} of its own is refused: its text would be an identity hash, different in every JVM.
 */
final class CacheKeys {

	private static final ClassValue<Boolean> HAS_OWN_TO_STRING = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			try {
				return type.getMethod("toString").getDeclaringClass() != Object.class;
			}
			catch (NoSuchMethodException ex) {
				return false;
			}
		}

	};

	/**
	 * {@code SimpleKey} keeps its parameters private; they are only read. {@code null} where the module
	 * system forbids it: such keys then fall back to their {@code toString()}.
	 */
	private static final @Nullable VarHandle SIMPLE_KEY_PARAMS = simpleKeyParams();

	private CacheKeys() {
	}

	/** The cache name as it appears in keys: escaped, and without a bare {@code :}. */
	static String name(String name) {
		// RedisKeys.escape never emits "%3A" itself (it encodes '%' as "%25"), so this stays injective
		return RedisKeys.escape(name).replace(":", "%3A");
	}

	/** The typed text of a cache key, before escaping. */
	static String encode(Object key) {
		StringBuilder out = new StringBuilder(32);
		append(out, key);
		return out.toString();
	}

	/** <code>prefix:cache:{name:</code>: an entry key is this, the key escaped, and "}". */
	static String entryKeyPrefix(String prefix, String name) {
		return prefix + ":" + CacheScope.AREA + ":{" + name(name) + ":";
	}

	/**
	 * The entry key of {@code key} under {@code entryKeyPrefix}.
	 * @throws IllegalArgumentException if the key's type has no {@code toString()} of its own
	 */
	static String entryKey(String entryKeyPrefix, Object key) {
		// one builder on a hit: the typed key is written after the prefix and escaped in place only if needed
		StringBuilder out = new StringBuilder(entryKeyPrefix.length() + 48).append(entryKeyPrefix);
		int start = out.length();
		append(out, key);
		if (!RedisKeys.isEscaped(out, start)) {
			String typed = out.substring(start);
			out.setLength(start);
			out.append(RedisKeys.escape(typed));
		}
		return out.append('}').toString();
	}

	/** The {@code SCAN} pattern of every key starting with {@code prefix}: its glob characters escaped. */
	static String scanPattern(String prefix) {
		StringBuilder out = new StringBuilder(prefix.length() + 5);
		for (int i = 0; i < prefix.length(); i++) {
			char c = prefix.charAt(i);
			if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
				out.append('\\');
			}
			out.append(c);
		}
		return out.append('*').toString();
	}

	private static void append(StringBuilder out, @Nullable Object value) {
		if (value == null) {
			out.append('n');
		}
		else if (value instanceof String text) {
			text(out, 's', text);
		}
		else if (value instanceof Long) {
			text(out, 'l', value.toString());
		}
		else if (value instanceof Integer) {
			text(out, 'i', value.toString());
		}
		else if (value instanceof Short) {
			text(out, 'h', value.toString());
		}
		else if (value instanceof Byte) {
			text(out, 'b', value.toString());
		}
		else if (value instanceof Double) {
			text(out, 'd', value.toString());
		}
		else if (value instanceof Float) {
			text(out, 'f', value.toString());
		}
		else if (value instanceof Boolean) {
			text(out, 'z', value.toString());
		}
		else if (value instanceof Character) {
			text(out, 'c', value.toString());
		}
		else if (value instanceof Enum<?> constant) {
			text(out, 'e', constant.getDeclaringClass().getName() + ":" + constant.name());
		}
		else if (value instanceof SimpleKey key && SIMPLE_KEY_PARAMS != null) {
			Object[] params = (Object[]) SIMPLE_KEY_PARAMS.get(key);
			sequence(out, 'K', params.length);
			for (int i = 0; i < params.length; i++) {
				element(out, i, params[i]);
			}
		}
		else if (value.getClass().isArray()) {
			int length = Array.getLength(value);
			sequence(out, 'A', length);
			for (int i = 0; i < length; i++) {
				element(out, i, Array.get(value, i));
			}
		}
		else if (value instanceof List<?> list) {
			sequence(out, 'L', list.size());
			int i = 0;
			for (Object element : list) {
				element(out, i++, element);
			}
		}
		else if (HAS_OWN_TO_STRING.get(value.getClass())) {
			text(out, 'o', value.getClass().getName() + ":" + value);
		}
		else {
			throw new IllegalArgumentException("Cache key of type " + value.getClass().getName()
					+ " has no toString() of its own, so it would differ in every JVM; use a key expression "
					+ "(@Cacheable(key = ...)) or give the type a stable toString()");
		}
	}

	private static void text(StringBuilder out, char tag, String text) {
		out.append(tag).append(text.length()).append(':').append(text);
	}

	private static void sequence(StringBuilder out, char tag, int count) {
		out.append(tag).append(count).append(':');
	}

	private static void element(StringBuilder out, int index, @Nullable Object element) {
		if (index > 0) {
			out.append(',');
		}
		append(out, element);
	}

	private static @Nullable VarHandle simpleKeyParams() {
		try {
			return MethodHandles.privateLookupIn(SimpleKey.class, MethodHandles.lookup())
				.findVarHandle(SimpleKey.class, "params", Object[].class);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}
