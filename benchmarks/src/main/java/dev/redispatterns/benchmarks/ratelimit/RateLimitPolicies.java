package dev.redispatterns.benchmarks.ratelimit;

import java.time.Duration;
import java.util.Locale;

import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitPolicy;

/**
 * The policy every rate-limit cell of this starter (and the floor running the same script) decides
 * under: {@link RateLimitWorkload#LIMIT_PER_SECOND} permits per second, so no decision is ever refused.
 */
public final class RateLimitPolicies {

	/** Name of the policy in every cell. */
	public static final String NAME = "bench";

	/**
	 * Window of the sliding log: its sorted set holds one member per grant of the last window, so on a hot
	 * key a 1 s window at tens of thousands of decisions per second would keep tens of thousands of
	 * members. 100 ms (with a tenth of the limit: the same rate) keeps the set small, as a sliding log is
	 * meant for small limits.
	 */
	static final Duration SLIDING_LOG_WINDOW = Duration.ofMillis(100);

	private RateLimitPolicies() {
	}

	/** Permits per second of the abuse cells' policy, far below what 16 threads ask for. */
	public static final long ABUSE_LIMIT_PER_SECOND = 1_000;

	/** The abuse cells' policy: a fixed window of {@link #ABUSE_LIMIT_PER_SECOND} per second. */
	public static RateLimitPolicy abuse() {
		return RateLimitPolicy.of("abuse", RateLimitAlgorithm.FIXED_WINDOW, ABUSE_LIMIT_PER_SECOND, Duration.ofSeconds(1));
	}

	public static RateLimitPolicy of(RateLimitAlgorithm algorithm) {
		long limit = RateLimitWorkload.LIMIT_PER_SECOND;
		return switch (algorithm) {
			case TOKEN_BUCKET -> RateLimitPolicy.tokenBucket(NAME, limit, limit);
			case SLIDING_LOG -> RateLimitPolicy.of(NAME, algorithm, limit * SLIDING_LOG_WINDOW.toMillis() / 1000,
					SLIDING_LOG_WINDOW);
			default -> RateLimitPolicy.of(NAME, algorithm, limit, Duration.ofSeconds(1));
		};
	}

	/** How the report names an algorithm: its configuration name ({@code token-bucket}). */
	public static String label(RateLimitAlgorithm algorithm) {
		return algorithm.configName();
	}

	/** Short id used in cell ids ({@code starter-tb}, {@code lettuce-tb}). */
	public static String id(RateLimitAlgorithm algorithm) {
		return algorithm.code().toLowerCase(Locale.ROOT);
	}

}
