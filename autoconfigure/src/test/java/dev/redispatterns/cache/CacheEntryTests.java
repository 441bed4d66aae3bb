package dev.redispatterns.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.redispatterns.cache.CacheEntry.Freshness;
import dev.redispatterns.core.ValueDecodingException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheEntryTests {

	private static final CachePolicy REFRESH_AHEAD = CachePolicy.builder().refreshAhead(true).build();

	@Test
	void headerAndPayloadRoundTrip() {
		byte[] json = "\"value\"".getBytes(StandardCharsets.UTF_8);
		CacheEntry entry = CacheEntry.decode(CacheEntry.encode(json, 1_700_000_000_123L, 42));
		assertThat(entry.isNull()).isFalse();
		assertThat(entry.expiresAtMillis()).isEqualTo(1_700_000_000_123L);
		assertThat(entry.loadMillis()).isEqualTo(42);
		assertThat(entry.payload()).isEqualTo(json);
	}

	@Test
	void typedEntriesCarryTheClassNameBetweenHeaderAndJson() {
		byte[] json = "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
		byte[] bytes = CacheEntry.encodeTyped("com.example.Värde", json, 1_700_000_000_123L, 42);
		CacheEntry entry = CacheEntry.decode(bytes);
		assertThat(bytes[0]).isEqualTo(CacheEntry.TYPED_VERSION);
		assertThat(entry.isTyped()).isTrue();
		assertThat(entry.isNull()).isFalse();
		assertThat(entry.isSealed()).isFalse();
		assertThat(entry.expiresAtMillis()).isEqualTo(1_700_000_000_123L);
		assertThat(entry.loadMillis()).isEqualTo(42);
		assertThat(new String(bytes, entry.typeIdOffset(), entry.typeIdLength(), StandardCharsets.UTF_8))
			.isEqualTo("com.example.Värde");
		assertThat(entry.payload()).isEqualTo(json);
		assertThat(CacheEntry.decode(CacheEntry.encode(json, 5, 1)).isTyped()).as("version 1").isFalse();
		assertThat(CacheEntry.encodeTyped("x".repeat(CacheEntry.MAX_TYPE_ID_LENGTH + 1), json, 5, 1)).isNull();
	}

	@Test
	void typedEntriesWithoutClassOrJsonOrWithFlagsAreRefused() {
		byte[] json = "1".getBytes(StandardCharsets.UTF_8);
		byte[] bytes = CacheEntry.encodeTyped("java.lang.Long", json, 5, 1);
		for (int length = 0; length < bytes.length; length++) {
			byte[] cut = java.util.Arrays.copyOf(bytes, length);
			assertThatThrownBy(() -> CacheEntry.decode(cut)).as("cut at " + cut.length)
				.isInstanceOf(ValueDecodingException.class);
		}
		byte[] longer = bytes.clone();
		longer[CacheEntry.HEADER_LENGTH + 1] += json.length;
		assertThatThrownBy(() -> CacheEntry.decode(longer)).isInstanceOf(ValueDecodingException.class);
		for (byte flags : new byte[] { 1, 2, 3 }) {
			byte[] flagged = bytes.clone();
			flagged[1] = flags;
			assertThatThrownBy(() -> CacheEntry.decode(flagged)).isInstanceOf(ValueDecodingException.class);
		}
	}

	@Test
	void nullEntriesHaveNoPayload() {
		byte[] bytes = CacheEntry.encode(null, 5, 1);
		assertThat(bytes).hasSize(CacheEntry.HEADER_LENGTH);
		assertThat(CacheEntry.decode(bytes).isNull()).isTrue();
	}

	@Test
	void bytesOfAnotherFormatAreRefused() {
		assertThatThrownBy(() -> CacheEntry.decode("{\"json\":true}".getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(ValueDecodingException.class);
		assertThatThrownBy(() -> CacheEntry.decode(new byte[3])).isInstanceOf(ValueDecodingException.class);
		byte[] nullWithPayload = CacheEntry.encode("1".getBytes(StandardCharsets.UTF_8), 5, 1);
		nullWithPayload[1] = 1;
		assertThatThrownBy(() -> CacheEntry.decode(nullWithPayload)).isInstanceOf(ValueDecodingException.class);
	}

	@Test
	void xfetchRecomputesMoreOftenTheCloserTheExpiryAndTheLongerTheLoad() {
		long now = 1_000_000;
		assertThat(earlyShare(now, now + 10_000, 10)).as("far from expiry").isZero();
		double near = earlyShare(now, now + 20, 10);
		double nearer = earlyShare(now, now + 5, 10);
		assertThat(near).isBetween(0.05, 0.3);
		assertThat(nearer).isGreaterThan(near);
		assertThat(earlyShare(now, now + 20, 100)).as("slow loads start earlier").isGreaterThan(0.7);
		assertThat(earlyShare(now, now + 20, 0)).as("no measured load time").isZero();
	}

	@Test
	void refreshAheadOffMeansEntriesAreFreshUntilTheyExpire() {
		CachePolicy off = CachePolicy.defaults();
		assertThat(CacheEntry.freshness(1000, 1001, 1000, off)).isEqualTo(Freshness.FRESH);
	}

	@Test
	void pastTheExpiryAnEntryIsStaleInsideTheRevalidationWindow() {
		CachePolicy swr = CachePolicy.builder().staleWhileRevalidate(Duration.ofMinutes(1)).build();
		assertThat(CacheEntry.freshness(2000, 1000, 10, swr)).isEqualTo(Freshness.STALE);
		assertThat(CacheEntry.freshness(2000, 1000, 10, REFRESH_AHEAD)).isEqualTo(Freshness.REFRESH);
	}

	private static double earlyShare(long now, long expiresAt, int loadMillis) {
		int early = 0;
		int reads = 20_000;
		for (int i = 0; i < reads; i++) {
			if (CacheEntry.freshness(now, expiresAt, loadMillis, REFRESH_AHEAD) == Freshness.REFRESH) {
				early++;
			}
		}
		return (double) early / reads;
	}

}
