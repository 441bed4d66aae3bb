package dev.redispatterns.ratelimit.web.internal;

import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.internal.RateLimitDecisionRecorder;

/**
 * Puts the rate-limit headers of {@code @RateLimited} decisions on the Spring MVC response of the current
 * thread, if there is one.
 */
public final class ServletRateLimitDecisionRecorder implements RateLimitDecisionRecorder {

	private final RateLimitHeaders headers;

	public ServletRateLimitDecisionRecorder(RateLimitHeaders headers) {
		this.headers = headers;
	}

	@Override
	public void record(List<RateLimitDecision> decisions) {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		if (attributes instanceof ServletRequestAttributes servlet) {
			HttpServletResponse response = servlet.getResponse();
			if (response != null) {
				ServletRateLimitResponses.record(servlet.getRequest(), response, decisions, this.headers);
			}
		}
	}

}
