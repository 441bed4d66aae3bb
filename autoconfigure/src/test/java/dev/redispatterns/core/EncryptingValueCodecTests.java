package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The encrypting codec on its own: round trips, key rotation, and every way a stored ciphertext can be
 * changed, cut, moved or sealed under an unknown key failing as {@code NOT_AUTHENTIC} or {@code CORRUPT}
 * — never decoding, never another exception.
 */
class EncryptingValueCodecTests {

	public record Customer(String name, String email, Instant since) {
	}

	private static final byte[] OLD = key(1);

	private static final byte[] NEW = key(2);

	private static final byte[] HERE = "rp:cache:{customers:42}".getBytes(StandardCharsets.UTF_8);

	private final JsonValueCodec json = JsonValueCodec.forPackages(EncryptingValueCodecTests.class.getPackageName());

	private final Customer ann = new Customer("Ann", "ann@example.com", Instant.parse("2024-05-01T10:15:30Z"));

	@Test
	void roundTripsAValueAndHidesItsJson() {
		EncryptingValueCodec codec = codec(Map.of("k1", OLD), "k1");
		byte[] sealed = codec.encode(this.ann, HERE);
		assertThat(codec.decode(sealed, HERE)).isEqualTo(this.ann);
		assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("ann@example.com")
			.doesNotContain("Customer");
		assertThat(sealed[0]).isEqualTo(ValueCipher.FORMAT);
		assertThat(ValueCipher.keyIdOf(sealed)).isEqualTo("k1");
		assertThat(codec.decode(codec.encode(null, HERE), HERE)).isNull();
		assertThat(codec.read(codec.write(List.of("a", "b")), List.class)).containsExactly("a", "b");
	}

	@Test
	void everyValueGetsAFreshNonce() {
		EncryptingValueCodec codec = codec(Map.of("k1", OLD), "k1");
		assertThat(codec.encode(this.ann, HERE)).isNotEqualTo(codec.encode(this.ann, HERE));
	}

	@Test
	void rotationReadsOldValuesAndWritesWithTheActiveKey() {
		EncryptingValueCodec before = codec(Map.of("2024", OLD), "2024");
		byte[] written = before.encode(this.ann, HERE);
		Map<String, byte[]> both = new LinkedHashMap<>();
		both.put("2024", OLD);
		both.put("2025", NEW);
		EncryptingValueCodec after = codec(both, "2025");
		assertThat(after.decode(written, HERE)).as("old key still decrypts").isEqualTo(this.ann);
		byte[] rewritten = after.encode(this.ann, HERE);
		assertThat(ValueCipher.keyIdOf(rewritten)).isEqualTo("2025");
		assertThatThrownBy(() -> before.decode(rewritten, HERE)).as("an instance without the new key")
			.isInstanceOfSatisfying(ValueDecodingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(ValueDecodingException.Reason.NOT_AUTHENTIC));
		EncryptingValueCodec retired = codec(Map.of("2025", NEW), "2025");
		assertThatThrownBy(() -> retired.decode(written, HERE)).as("old key removed")
			.isInstanceOfSatisfying(ValueDecodingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(ValueDecodingException.Reason.NOT_AUTHENTIC);
				assertThat(ex.getMessage()).contains("'2024'").contains("not configured");
			});
	}

	@Test
	void flippingAnyBitFailsAuthenticationOrTheFormat() {
		EncryptingValueCodec codec = codec(Map.of("k1", OLD), "k1");
		byte[] sealed = codec.encode(this.ann, HERE);
		for (int i = 0; i < sealed.length; i++) {
			for (int bit = 0; bit < 8; bit++) {
				byte[] changed = sealed.clone();
				changed[i] ^= (byte) (1 << bit);
				assertRefused(codec, changed, HERE, "bit " + bit + " of byte " + i);
			}
		}
	}

	@Test
	void aCiphertextMovedElsewhereDoesNotDecrypt() {
		EncryptingValueCodec codec = codec(Map.of("k1", OLD), "k1");
		byte[] sealed = codec.encode(this.ann, HERE);
		assertRefused(codec, sealed, "rp:cache:{customers:43}".getBytes(StandardCharsets.UTF_8), "another key");
		assertRefused(codec, sealed, new byte[0], "no associated data");
	}

	@Test
	void truncatedExtendedAndForeignBytesAreRefused() {
		EncryptingValueCodec codec = codec(Map.of("k1", OLD), "k1");
		byte[] sealed = codec.encode(this.ann, HERE);
		for (int length = 0; length < sealed.length; length++) {
			assertRefused(codec, Arrays.copyOf(sealed, length), HERE, "cut to " + length);
		}
		assertRefused(codec, Arrays.copyOf(sealed, sealed.length + 1), HERE, "one byte more");
		assertRefused(codec, this.json.encode(this.ann), HERE, "plain JSON");
		assertRefused(codec(Map.of("k1", NEW), "k1"), sealed, HERE, "same id, other key");
	}

	@Test
	void allowListStillAppliesInsideTheCiphertext() {
		EncryptingValueCodec wide = codec(Map.of("k1", OLD), "k1");
		EncryptingValueCodec narrow = new EncryptingValueCodec(JsonValueCodec.forPackages("com.example.none"),
				ValueCipher.aesGcm(Map.of("k1", OLD), "k1"));
		byte[] sealed = wide.encode(this.ann, HERE);
		assertThatThrownBy(() -> narrow.decode(sealed, HERE)).isInstanceOfSatisfying(ValueDecodingException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(ValueDecodingException.Reason.TYPE_NOT_ALLOWED));
	}

	@Test
	void keysAndKeyIdsAreChecked() {
		assertThatIllegalArgumentException().isThrownBy(() -> ValueCipher.aesGcm(Map.of("k1", new byte[20]), "k1"))
			.withMessageContaining("'k1'")
			.withMessageContaining("16, 24 or 32");
		assertThatIllegalArgumentException().isThrownBy(() -> ValueCipher.aesGcm(Map.of("k1", OLD), "k2"))
			.withMessageContaining("'k2'");
		assertThatIllegalArgumentException().isThrownBy(() -> ValueCipher.aesGcm(Map.of("a b", OLD), "a b"));
		assertThatIllegalArgumentException().isThrownBy(() -> ValueCipher.aesGcm(Map.of("x".repeat(33), OLD), "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> ValueCipher.aesGcm(Map.of(), "k1"));
		assertThat(ValueCipher.aesGcm(Map.of("k1", OLD), "k1").toString()).contains("k1").doesNotContain("[B@");
	}

	private static void assertRefused(EncryptingValueCodec codec, byte[] bytes, byte[] associatedData, String what) {
		assertThatThrownBy(() -> codec.decode(bytes, associatedData)).as(what)
			.isInstanceOfSatisfying(ValueDecodingException.class, (ex) -> assertThat(ex.reason())
				.isIn(ValueDecodingException.Reason.NOT_AUTHENTIC, ValueDecodingException.Reason.CORRUPT));
	}

	private EncryptingValueCodec codec(Map<String, byte[]> keys, String active) {
		return new EncryptingValueCodec(this.json, ValueCipher.aesGcm(keys, active));
	}

	private static byte[] key(int seed) {
		byte[] key = new byte[32];
		for (int i = 0; i < key.length; i++) {
			key[i] = (byte) (seed * 31 + i * 7);
		}
		return key;
	}

}
