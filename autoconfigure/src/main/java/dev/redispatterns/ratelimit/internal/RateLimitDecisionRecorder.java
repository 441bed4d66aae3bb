package dev.redispatterns.ratelimit.internal;

import java.util.List;

import dev.redispatterns.ratelimit.RateLimitDecision;

/**
 * Receives the decisions of an allowed call so that a web layer can describe the limits in its response
 * (the {@code X-RateLimit-*} and {@code RateLimit} headers). For reactive methods the recorder is looked up
 * in the Reactor context under the key {@code RateLimitDecisionRecorder.class}.
 */
@FunctionalInterface
public interface RateLimitDecisionRecorder {

	/** Records nothing. */
	RateLimitDecisionRecorder NONE = (decisions) -> {
	};

	void record(List<RateLimitDecision> decisions);

}
