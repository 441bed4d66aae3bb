package dev.redispatterns.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script loaded once from a {@code .lua} resource, with the SHA-1 digest Redis knows it by. Scripts
 * live next to the feature that owns them, never as Java string literals.
 */
public final class LuaScript {

	private final String name;

	private final String source;

	private final byte[] sourceBytes;

	private final String sha1;

	private LuaScript(String name, String source) {
		this.name = name;
		this.source = source;
		this.sourceBytes = source.getBytes(StandardCharsets.UTF_8);
		this.sha1 = sha1(this.sourceBytes);
	}

	/**
	 * Loads {@code fileName} from the package of {@code owner}, for example
	 * {@code LuaScript.load(RateLimiter.class, "rate_limit_gcra.lua")}.
	 * @throws IllegalStateException if the resource does not exist
	 */
	public static LuaScript load(Class<?> owner, String fileName) {
		try (InputStream in = owner.getResourceAsStream(fileName)) {
			if (in == null) {
				throw new IllegalStateException(
						"Lua script " + fileName + " not found next to " + owner.getName() + " on the classpath");
			}
			return new LuaScript(fileName, new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read Lua script " + fileName, ex);
		}
	}

	/** A script from source text, for tests and tools. */
	public static LuaScript of(String name, String source) {
		return new LuaScript(name, source);
	}

	public String name() {
		return this.name;
	}

	public String source() {
		return this.source;
	}

	/** The script as UTF-8 bytes, shared: callers must not modify it. */
	byte[] sourceBytes() {
		return this.sourceBytes;
	}

	/** Lower-case hex SHA-1 of the source, as {@code SCRIPT LOAD} returns it. */
	public String sha1() {
		return this.sha1;
	}

	private static String sha1(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return this.name + " (" + this.sha1 + ")";
	}

}
