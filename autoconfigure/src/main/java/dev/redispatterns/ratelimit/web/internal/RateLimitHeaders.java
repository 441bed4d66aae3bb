package dev.redispatterns.ratelimit.web.internal;

import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.ratelimit.RateLimitDecision;

/**
 * Writes the rate-limit response headers. {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset}
 * (seconds until the limit is fully available again) describe the most restrictive limit of the request;
 * the IETF fields of draft-ietf-httpapi-ratelimit-headers (structured-field lists) describe every limit:
 * <pre>
 * RateLimit-Policy: "api";q=100;w=60, "global";q=10000;w=60
 * RateLimit: "api";r=42;t=17, "global";r=9120;t=17
 * </pre>
 * Times are delta seconds, so neither side's clock matters. When the decisive limit applied a tier of its
 * policy (a plan of an API product), {@code X-RateLimit-Tier} names it, and the limits are the tier's.
 */
public final class RateLimitHeaders {

	public static final String LIMIT = "X-RateLimit-Limit";

	public static final String REMAINING = "X-RateLimit-Remaining";

	public static final String RESET = "X-RateLimit-Reset";

	public static final String TIER = "X-RateLimit-Tier";

	public static final String RATE_LIMIT = "RateLimit";

	public static final String RATE_LIMIT_POLICY = "RateLimit-Policy";

	public static final String RETRY_AFTER = "Retry-After";

	private final boolean ietf;

	public RateLimitHeaders(boolean ietf) {
		this.ietf = ietf;
	}

	/** Writes the headers describing {@code decisions}; decisions with unknown numbers are left out. */
	public void write(List<RateLimitDecision> decisions, BiConsumer<String, String> header) {
		RateLimitDecision decisive = null;
		for (RateLimitDecision decision : decisions) {
			if (decision.isKnown() && (decisive == null || decision.remaining() < decisive.remaining())) {
				decisive = decision;
			}
		}
		write(decisive, decisions, header);
	}

	/**
	 * Writes the headers of a refused request: the refusing decision in {@code X-RateLimit-*}, every
	 * decision in the IETF fields, and {@code Retry-After} when a retry can succeed.
	 */
	public void writeRefusal(RateLimitDecision refusing, List<RateLimitDecision> decisions,
			BiConsumer<String, String> header) {
		write(refusing.isKnown() ? refusing : null, decisions, header);
		Duration retryAfter = refusing.retryAfter();
		if (retryAfter != null) {
			header.accept(RETRY_AFTER, Long.toString(Math.max(1, seconds(retryAfter.toMillis()))));
		}
	}

	private void write(@Nullable RateLimitDecision decisive, List<RateLimitDecision> decisions,
			BiConsumer<String, String> header) {
		if (decisive != null) {
			header.accept(LIMIT, Long.toString(decisive.limit()));
			header.accept(REMAINING, Long.toString(Math.max(0, decisive.remaining())));
			header.accept(RESET, Long.toString(seconds(decisive.resetAfter().toMillis())));
			String tier = decisive.tier();
			if (tier != null) {
				header.accept(TIER, tier);
			}
		}
		if (!this.ietf) {
			return;
		}
		StringBuilder policies = new StringBuilder();
		StringBuilder limits = new StringBuilder();
		for (RateLimitDecision decision : decisions) {
			if (!decision.isKnown()) {
				continue;
			}
			if (!policies.isEmpty()) {
				policies.append(", ");
				limits.append(", ");
			}
			String name = sfString(decision.policy().name());
			policies.append(name)
				.append(";q=")
				.append(decision.limit())
				.append(";w=")
				.append(Math.max(1, seconds(decision.policy().window().toMillis())));
			limits.append(name)
				.append(";r=")
				.append(Math.max(0, decision.remaining()))
				.append(";t=")
				.append(seconds(decision.resetAfter().toMillis()));
		}
		if (!policies.isEmpty()) {
			header.accept(RATE_LIMIT_POLICY, policies.toString());
			header.accept(RATE_LIMIT, limits.toString());
		}
	}

	static long seconds(long millis) {
		return (millis + 999) / 1000;
	}

	/** A structured-field String: printable ASCII, with {@code "} and {@code \} escaped. */
	static String sfString(String value) {
		StringBuilder out = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				out.append('\\').append(c);
			}
			else if (c < 0x20 || c > 0x7E) {
				out.append('_');
			}
			else {
				out.append(c);
			}
		}
		return out.append('"').toString();
	}

}
