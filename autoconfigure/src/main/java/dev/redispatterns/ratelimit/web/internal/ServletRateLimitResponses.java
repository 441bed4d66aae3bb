package dev.redispatterns.ratelimit.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.redispatterns.ratelimit.RateLimitDecision;

/**
 * Writes rate-limit headers and refusals on servlet responses. The decisions of one request (filter rules
 * and annotations) are collected in a request attribute, so the headers describe all of them.
 */
public final class ServletRateLimitResponses {

	static final String DECISIONS = RateLimitDecision.class.getName() + ".DECISIONS";

	private ServletRateLimitResponses() {
	}

	@SuppressWarnings("unchecked")
	static void record(HttpServletRequest request, HttpServletResponse response, List<RateLimitDecision> decisions,
			RateLimitHeaders headers) {
		if (response.isCommitted()) {
			return;
		}
		Object previous = request.getAttribute(DECISIONS);
		List<RateLimitDecision> all;
		if (previous instanceof List<?> list) {
			all = (List<RateLimitDecision>) list;
			all.addAll(decisions);
		}
		else {
			all = new ArrayList<>(decisions);
			request.setAttribute(DECISIONS, all);
		}
		headers.write(all, response::setHeader);
	}

	static void refuse(HttpServletRequest request, HttpServletResponse response, RuntimeException refusal,
			RateLimitProblems problems) throws IOException {
		response.resetBuffer();
		response.setStatus(RateLimitProblems.status(refusal).value());
		problems.headers(refusal, response::setHeader);
		response.setContentType("application/problem+json");
		byte[] body = problems.json(refusal, request.getRequestURI()).getBytes(StandardCharsets.UTF_8);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
		response.flushBuffer();
	}

}
