package dev.redispatterns.ratelimit.web.internal;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;

import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitRequest;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.ratelimit.internal.RateLimitDecisionRecorder;

/**
 * The WebFlux side: applies URL rules from configuration without blocking, and gives reactive
 * {@code @RateLimited} methods a {@link RateLimitDecisionRecorder} in the Reactor context so that allowed
 * responses carry the limit headers. Refusals are errors handled by {@link RateLimitWebExceptionHandler}.
 */
public class RateLimitWebFilter implements WebFilter, Ordered {

	static final String DECISIONS = RateLimitDecision.class.getName() + ".DECISIONS";

	private final RateLimiter limiter;

	private final List<RateLimitRule> rules;

	private final ClientAddressResolver clientAddresses;

	private final RateLimitHeaders headers;

	private final boolean headersOnAllowed;

	private final boolean needsPrincipal;

	private final int order;

	public RateLimitWebFilter(RateLimiter limiter, List<RateLimitRule> rules, ClientAddressResolver clientAddresses,
			RateLimitHeaders headers, boolean headersOnAllowed, int order) {
		this.limiter = limiter;
		this.rules = List.copyOf(rules);
		this.clientAddresses = clientAddresses;
		this.headers = headers;
		this.headersOnAllowed = headersOnAllowed;
		this.needsPrincipal = rules.stream().anyMatch((rule) -> rule.keyType() == RateLimitRule.KeyType.PRINCIPAL);
		this.order = order;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		RateLimitDecisionRecorder recorder = (decisions) -> record(exchange, decisions);
		Mono<Void> proceed = chain.filter(exchange)
			.contextWrite((context) -> context.put(RateLimitDecisionRecorder.class, recorder));
		ServerHttpRequest request = exchange.getRequest();
		List<RateLimitRule> matching = null;
		List<PathPattern.PathMatchInfo> matches = null;
		for (RateLimitRule rule : this.rules) {
			PathPattern.PathMatchInfo match = rule.match(request.getMethod().name(), request.getPath().pathWithinApplication());
			if (match != null) {
				if (matching == null) {
					matching = new ArrayList<>(2);
					matches = new ArrayList<>(2);
				}
				matching.add(rule);
				matches.add(match);
			}
		}
		if (matching == null) {
			return proceed;
		}
		List<RateLimitRule> rules = matching;
		List<PathPattern.PathMatchInfo> infos = matches;
		Mono<Optional<String>> principal = this.needsPrincipal
				? exchange.getPrincipal().map((p) -> Optional.of(((Principal) p).getName())).defaultIfEmpty(Optional.empty())
				: Mono.just(Optional.empty());
		return principal.flatMap((name) -> {
			String ip = ReactiveClientIp.clientIp(this.clientAddresses, request);
			List<RateLimitRequest> requests = new ArrayList<>(rules.size());
			for (int i = 0; i < rules.size(); i++) {
				RateLimitRule rule = rules.get(i);
				String key = rule.key(infos.get(i), () -> ip, name.orElse(null),
						(header) -> request.getHeaders().getFirst(header));
				requests.add(new RateLimitRequest(rule.policy(), key, rule.permits()));
			}
			return Mono.fromFuture(() -> this.limiter.tryAcquireAllAsync(requests));
		}).publishOn(Schedulers.parallel()).flatMap((decisions) -> {
			RateLimitDecision last = decisions.get(decisions.size() - 1);
			if (!last.isAllowed()) {
				return Mono.error(RateLimiter.exceptionFor(last, decisions));
			}
			record(exchange, decisions);
			return proceed;
		});
	}

	@SuppressWarnings("unchecked")
	private void record(ServerWebExchange exchange, List<RateLimitDecision> decisions) {
		if (!this.headersOnAllowed || exchange.getResponse().isCommitted()) {
			return;
		}
		List<RateLimitDecision> all = (List<RateLimitDecision>) exchange.getAttributes()
			.computeIfAbsent(DECISIONS, (name) -> new ArrayList<RateLimitDecision>());
		synchronized (all) {
			all.addAll(decisions);
			this.headers.write(all, exchange.getResponse().getHeaders()::set);
		}
	}

}
