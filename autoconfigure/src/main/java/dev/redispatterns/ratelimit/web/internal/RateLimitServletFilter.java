package dev.redispatterns.ratelimit.web.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;

import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitRequest;
import dev.redispatterns.ratelimit.RateLimiter;

/**
 * Applies rate-limit policies to URL patterns from configuration, in front of any controller: every
 * matching rule is checked (all or nothing); a refused request gets its 429 (or 503) problem response
 * here, an allowed one the limit headers.
 */
public class RateLimitServletFilter extends OncePerRequestFilter implements Ordered {

	private final RateLimiter limiter;

	private final List<RateLimitRule> rules;

	private final ClientAddressResolver clientAddresses;

	private final RateLimitHeaders headers;

	private final RateLimitProblems problems;

	private final boolean headersOnAllowed;

	private final int order;

	public RateLimitServletFilter(RateLimiter limiter, List<RateLimitRule> rules, ClientAddressResolver clientAddresses,
			RateLimitHeaders headers, boolean headersOnAllowed, int order) {
		this.limiter = limiter;
		this.rules = List.copyOf(rules);
		this.clientAddresses = clientAddresses;
		this.headers = headers;
		this.problems = new RateLimitProblems(headers);
		this.headersOnAllowed = headersOnAllowed;
		this.order = order;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		List<RateLimitRequest> requests = requests(request);
		if (requests.isEmpty()) {
			chain.doFilter(request, response);
			return;
		}
		List<RateLimitDecision> decisions = this.limiter.tryAcquireAll(requests);
		RateLimitDecision last = decisions.get(decisions.size() - 1);
		if (!last.isAllowed()) {
			ServletRateLimitResponses.refuse(request, response, RateLimiter.exceptionFor(last, decisions), this.problems);
			return;
		}
		if (this.headersOnAllowed) {
			ServletRateLimitResponses.record(request, response, decisions, this.headers);
		}
		chain.doFilter(request, response);
	}

	private List<RateLimitRequest> requests(HttpServletRequest request) {
		String uri = request.getRequestURI();
		String contextPath = request.getContextPath();
		PathContainer path = PathContainer.parsePath(
				(contextPath != null && uri.startsWith(contextPath)) ? uri.substring(contextPath.length()) : uri);
		List<RateLimitRequest> requests = new ArrayList<>(2);
		String clientIp = null;
		for (RateLimitRule rule : this.rules) {
			PathPattern.PathMatchInfo match = rule.match(request.getMethod(), path);
			if (match != null) {
				String ip = (clientIp != null) ? clientIp : clientIp(request);
				clientIp = ip;
				java.security.Principal principal = request.getUserPrincipal();
				String key = rule.key(match, () -> ip, (principal != null) ? principal.getName() : null,
						request::getHeader);
				requests.add(new RateLimitRequest(rule.policy(), key, rule.permits()));
			}
		}
		return requests;
	}

	private String clientIp(HttpServletRequest request) {
		return this.clientAddresses.resolve(request.getRemoteAddr(),
				java.util.Collections.list(request.getHeaders(this.clientAddresses.header())));
	}

}
