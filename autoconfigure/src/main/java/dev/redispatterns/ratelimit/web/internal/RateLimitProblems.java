package dev.redispatterns.ratelimit.web.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitExceededException;
import dev.redispatterns.ratelimit.RateLimitUnavailableException;

/**
 * The RFC 9457 problem of a refused request and its headers, as a {@link ProblemDetail} for controller
 * advice and as JSON for filters that answer before any controller runs.
 */
public final class RateLimitProblems {

	/** Retry-After of a 503: Redis outages are usually short. */
	static final long UNAVAILABLE_RETRY_SECONDS = 1;

	private final RateLimitHeaders headers;

	public RateLimitProblems(RateLimitHeaders headers) {
		this.headers = headers;
	}

	/** The status for a refusal: 429, or 503 when Redis could not be asked. */
	public static HttpStatus status(RuntimeException refusal) {
		return (refusal instanceof RateLimitUnavailableException) ? HttpStatus.SERVICE_UNAVAILABLE
				: HttpStatus.TOO_MANY_REQUESTS;
	}

	/** Writes the headers of a refusal. */
	public void headers(RuntimeException refusal, BiConsumer<String, String> header) {
		if (refusal instanceof RateLimitExceededException exceeded) {
			this.headers.writeRefusal(exceeded.decision(), exceeded.decisions(), header);
		}
		else {
			header.accept(RateLimitHeaders.RETRY_AFTER, Long.toString(UNAVAILABLE_RETRY_SECONDS));
		}
	}

	/** The problem of a refusal, with the limit's numbers as extension members. */
	public ProblemDetail problem(RuntimeException refusal, @Nullable String instance) {
		HttpStatus status = status(refusal);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail(refusal));
		problem.setTitle(status.getReasonPhrase());
		if (instance != null) {
			problem.setInstance(java.net.URI.create(instance));
		}
		members(refusal).forEach(problem::setProperty);
		return problem;
	}

	/** The same problem as {@code application/problem+json} text. */
	public String json(RuntimeException refusal, @Nullable String instance) {
		HttpStatus status = status(refusal);
		Map<String, Object> members = new LinkedHashMap<>();
		members.put("type", "about:blank");
		members.put("title", status.getReasonPhrase());
		members.put("status", status.value());
		members.put("detail", detail(refusal));
		if (instance != null) {
			members.put("instance", instance);
		}
		members.putAll(members(refusal));
		StringBuilder json = new StringBuilder("{");
		members.forEach((name, value) -> {
			if (json.length() > 1) {
				json.append(',');
			}
			string(json, name).append(':');
			if (value instanceof Number) {
				json.append(value);
			}
			else {
				string(json, String.valueOf(value));
			}
		});
		return json.append('}').toString();
	}

	private static String detail(RuntimeException refusal) {
		if (refusal instanceof RateLimitExceededException exceeded) {
			Duration retryAfter = exceeded.retryAfter();
			return "Rate limit '" + exceeded.policy() + "' exceeded. " + ((retryAfter != null)
					? "Retry after " + Math.max(1, RateLimitHeaders.seconds(retryAfter.toMillis())) + " seconds."
					: "The request asks for more than the limit allows.");
		}
		if (refusal instanceof RateLimitUnavailableException unavailable) {
			return "Rate limit '" + unavailable.policy() + "' cannot be checked right now.";
		}
		return String.valueOf(refusal.getMessage());
	}

	private static Map<String, Object> members(RuntimeException refusal) {
		Map<String, Object> members = new LinkedHashMap<>();
		if (refusal instanceof RateLimitExceededException exceeded) {
			RateLimitDecision decision = exceeded.decision();
			members.put("policy", exceeded.policy());
			if (decision.tier() != null) {
				members.put("tier", decision.tier());
			}
			members.put("limit", decision.limit());
			members.put("remaining", exceeded.remaining());
			members.put("reset", RateLimitHeaders.seconds(decision.resetAfter().toMillis()));
			Duration retryAfter = exceeded.retryAfter();
			if (retryAfter != null) {
				members.put("retryAfter", Math.max(1, RateLimitHeaders.seconds(retryAfter.toMillis())));
			}
		}
		else if (refusal instanceof RateLimitUnavailableException unavailable) {
			members.put("policy", unavailable.policy());
		}
		return members;
	}

	private static StringBuilder string(StringBuilder json, String value) {
		json.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		return json.append('"');
	}

	/** Whether {@code failure} is one of the refusals this class describes. */
	public static boolean isRefusal(Throwable failure) {
		return failure instanceof RateLimitExceededException || failure instanceof RateLimitUnavailableException;
	}

}
