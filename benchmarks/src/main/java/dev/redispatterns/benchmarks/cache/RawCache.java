package dev.redispatterns.benchmarks.cache;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.RawClient;

/**
 * The cache floors: plain JSON under Spring Data Redis's key ({@code products::key}), one {@code GET} per
 * read. Decoding, each hit is also read into the known type with Jackson, and a get-or-load has no
 * protection at all: every caller that misses runs the loader. Not decoding, a hit is the {@code GET} and
 * nothing else, the least it can cost.
 */
public final class RawCache implements CacheSubject {

	private static final long TTL_MILLIS = 600_000;

	private static final Product HIT = Product.sample(0);

	private final RawClient client;

	private final boolean decode;

	private final JsonMapper json = JsonMapper.builder().build();

	private RawCache(RawClient client, boolean decode) {
		this.client = client;
		this.decode = decode;
	}

	/** {@code GET} on a shared Lettuce connection, then a Jackson decode. */
	public static RawCache decoding(CellContext context) {
		return new RawCache(RawClient.lettuce(context), true);
	}

	/** {@code GET} and no decoding. */
	public static RawCache undecoded(RawClient client) {
		return new RawCache(client, false);
	}

	@Override
	public @Nullable Product get(String key) {
		byte[] bytes = this.client.get(key(key));
		if (bytes == null) {
			return null;
		}
		return this.decode ? this.json.readValue(bytes, Product.class) : HIT;
	}

	@Override
	public void put(String key, Product value) {
		this.client.set(key(key), this.json.writeValueAsBytes(value), TTL_MILLIS);
	}

	@Override
	public Product get(String key, Callable<Product> loader) throws Exception {
		if (!this.decode) {
			throw new UnsupportedOperationException("the raw GET floor has no get-or-load");
		}
		Product cached = get(key);
		if (cached != null) {
			return cached;
		}
		Product loaded = loader.call();
		put(key, loaded);
		return loaded;
	}

	private static byte[] key(String key) {
		return ("products::" + key).getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.client.close();
	}

}
