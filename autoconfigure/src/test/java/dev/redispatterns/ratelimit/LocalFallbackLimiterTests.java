package dev.redispatterns.ratelimit;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory limiter used during a Redis outage: a flood of new keys (user names, rotated addresses)
 * evicts the buckets used least recently, never the buckets of clients still being limited.
 */
class LocalFallbackLimiterTests {

	private static final RateLimitPolicy LOGIN = RateLimitPolicy.of("login", RateLimitAlgorithm.GCRA, 5,
			Duration.ofHours(1));

	private static final RuntimeException OUTAGE = new RuntimeException("Redis is down");

	@Test
	void aFloodOfNewKeysDoesNotResetABucketInUse() {
		LocalFallbackLimiter limiter = new LocalFallbackLimiter(1, 1_000);
		while (limiter.decide(LOGIN, "attacker", 1, OUTAGE).isAllowed()) {
			// use the attacker's budget up
		}
		for (int i = 0; i < 5_000; i++) {
			limiter.decide(LOGIN, "name-" + i, 1, OUTAGE);
			if (i % 100 == 0) {
				assertThat(limiter.decide(LOGIN, "attacker", 1, OUTAGE).isAllowed()).as("after %d new keys", i)
					.isFalse();
			}
		}
		assertThat(limiter.decide(LOGIN, "attacker", 1, OUTAGE).isAllowed()).isFalse();
		assertThat(limiter.size()).isLessThanOrEqualTo(1_000);
	}

	@Test
	void theLeastRecentlyUsedBucketGoesFirst() {
		LocalFallbackLimiter limiter = new LocalFallbackLimiter(1, 3);
		limiter.decide(LOGIN, "a", 5, OUTAGE);
		limiter.decide(LOGIN, "b", 5, OUTAGE);
		limiter.decide(LOGIN, "c", 5, OUTAGE);
		limiter.decide(LOGIN, "a", 1, OUTAGE);
		limiter.decide(LOGIN, "d", 1, OUTAGE);
		assertThat(limiter.size()).isEqualTo(3);
		assertThat(limiter.decide(LOGIN, "a", 1, OUTAGE).isAllowed()).as("a was used recently: still empty").isFalse();
		assertThat(limiter.decide(LOGIN, "c", 1, OUTAGE).isAllowed()).as("c was kept").isFalse();
		assertThat(limiter.decide(LOGIN, "b", 1, OUTAGE).isAllowed()).as("b was the oldest: evicted").isTrue();
	}

}
