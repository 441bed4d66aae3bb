package dev.redispatterns.core;

import org.jspecify.annotations.Nullable;

/**
 * A {@link ValueCodec} that encrypts what another codec (the JSON one, with its allow-list) writes, with
 * AES-GCM and a ring of keys ({@link ValueCipher}). Features that know where a value lives pass that as
 * associated data ({@link #encode(Object, byte[])}), so a ciphertext copied to another place does not
 * decrypt; the type allow-list still applies to what is decrypted.
 */
public final class EncryptingValueCodec implements ValueCodec {

	private static final byte[] NONE = new byte[0];

	private final ValueCodec delegate;

	private final ValueCipher cipher;

	public EncryptingValueCodec(ValueCodec delegate, ValueCipher cipher) {
		this.delegate = delegate;
		this.cipher = cipher;
	}

	public ValueCodec delegate() {
		return this.delegate;
	}

	public ValueCipher cipher() {
		return this.cipher;
	}

	@Override
	public byte[] encode(@Nullable Object value) {
		return encode(value, NONE);
	}

	/**
	 * Encodes and encrypts a value bound to {@code associatedData}: only {@link #decode(byte[], byte[])} with the
	 * same associated data decrypts it.
	 */
	public byte[] encode(@Nullable Object value, byte[] associatedData) {
		return this.cipher.seal(this.delegate.encode(value), associatedData);
	}

	@Override
	public @Nullable Object decode(byte[] bytes) {
		return decode(bytes, NONE);
	}

	/**
	 * Decrypts and decodes bytes written by {@link #encode(Object, byte[])}.
	 * @throws ValueDecodingException {@code NOT_AUTHENTIC} if they fail authentication, else as the delegate
	 */
	public @Nullable Object decode(byte[] bytes, byte[] associatedData) {
		return this.delegate.decode(this.cipher.open(bytes, associatedData));
	}

	@Override
	public byte[] checkSize(byte[] bytes) {
		return this.delegate.checkSize(bytes);
	}

	@Override
	public byte[] write(@Nullable Object value) {
		return this.cipher.seal(this.delegate.write(value), NONE);
	}

	@Override
	public <T> @Nullable T read(byte[] bytes, Class<T> type) {
		return this.delegate.read(this.cipher.open(bytes, NONE), type);
	}

	@Override
	public String toString() {
		return "EncryptingValueCodec[" + this.cipher + "]";
	}

}
