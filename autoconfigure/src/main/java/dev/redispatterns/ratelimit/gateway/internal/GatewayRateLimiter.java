package dev.redispatterns.ratelimit.gateway.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.cloud.gateway.event.FilterArgsEvent;
import org.springframework.cloud.gateway.filter.ratelimit.AbstractRateLimiter;
import org.springframework.cloud.gateway.support.ConfigurationService;

import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitOutcome;
import dev.redispatterns.ratelimit.RateLimitRequest;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.ratelimit.web.internal.RateLimitHeaders;

/**
 * A Spring Cloud Gateway {@code RateLimiter} deciding with the starter's policies, so gateway routes get
 * the same algorithms, tiers, overrides, waiting and headers as annotated methods:
 * <pre>
 * filters:
 *   - name: RequestRateLimiter
 *     args:
 *       key-resolver: "#{&#64;clientKeys}"
 *       redis-patterns-rate-limiter.policy: partner-api
 *       redis-patterns-rate-limiter.permits: 1          # optional
 *       redis-patterns-rate-limiter.tier: gold          # optional
 *       redis-patterns-rate-limiter.max-wait: 2s        # optional: delay the request instead of refusing it
 * </pre>
 * The gateway answers a refusal with its own status (429 by default) and these headers; when Redis cannot
 * be reached and the policy fails closed, the request fails with {@code RateLimitUnavailableException},
 * which the starter's WebFlux exception handler answers with 503.
 */
public class GatewayRateLimiter extends AbstractRateLimiter<GatewayRateLimiter.Config> {

	/** Prefix of the route's filter arguments. */
	public static final String CONFIGURATION_PROPERTY_NAME = "redis-patterns-rate-limiter";

	private final RateLimiter limiter;

	private final RateLimitHeaders headers;

	public GatewayRateLimiter(RateLimiter limiter, RateLimitHeaders headers, ConfigurationService configurationService) {
		super(Config.class, CONFIGURATION_PROPERTY_NAME, configurationService);
		this.limiter = limiter;
		this.headers = headers;
	}

	/** Binds a route's arguments and checks them, so that a route naming an unknown policy fails to load. */
	@Override
	public void onApplicationEvent(FilterArgsEvent event) {
		super.onApplicationEvent(event);
		Config config = getConfig().get(event.getRouteId());
		if (config != null) {
			request(event.getRouteId(), config, "check");
		}
	}

	@Override
	public Mono<Response> isAllowed(String routeId, String id) {
		Config config = getConfig().get(routeId);
		RateLimitRequest request;
		try {
			request = request(routeId, config, id);
		}
		catch (IllegalArgumentException ex) {
			return Mono.error(ex);
		}
		return Mono.fromFuture(() -> this.limiter.tryAcquireAsync(request)).flatMap((decision) -> {
			if (decision.outcome() == RateLimitOutcome.ERROR_CLOSED) {
				return Mono.error(RateLimiter.exceptionFor(decision, List.of(decision)));
			}
			Map<String, String> headers = new LinkedHashMap<>();
			if (decision.isAllowed()) {
				this.headers.write(List.of(decision), headers::put);
			}
			else {
				this.headers.writeRefusal(decision, List.of(decision), headers::put);
			}
			return Mono.just(new Response(decision.isAllowed(), headers));
		});
	}

	private RateLimitRequest request(String routeId, @Nullable Config config, String key) {
		String where = "Route '" + routeId + "': " + CONFIGURATION_PROPERTY_NAME;
		if (config == null || config.getPolicy() == null || config.getPolicy().isBlank()) {
			throw new IllegalArgumentException(where + ".policy must name a rate-limit policy");
		}
		if (!this.limiter.hasPolicy(config.getPolicy())) {
			throw new IllegalArgumentException(where + ".policy names '" + config.getPolicy()
					+ "', which is not defined: add redis.patterns.rate-limit.policies." + config.getPolicy() + ".*");
		}
		if (config.getPermits() < 1) {
			throw new IllegalArgumentException(where + ".permits must be at least 1, was " + config.getPermits());
		}
		Duration maxWait = Duration.ZERO;
		if (config.getMaxWait() != null && !config.getMaxWait().isBlank()) {
			try {
				maxWait = DurationStyle.detectAndParse(config.getMaxWait());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(where + ".max-wait '" + config.getMaxWait() + "' is not a duration", ex);
			}
		}
		return new RateLimitRequest(config.getPolicy(), key, config.getPermits(), config.getTier(), maxWait);
	}

	/** The arguments of one route. */
	public static class Config {

		private @Nullable String policy;

		private long permits = 1;

		private @Nullable String tier;

		private @Nullable String maxWait;

		/** Name of the rate-limit policy. */
		public @Nullable String getPolicy() {
			return this.policy;
		}

		public Config setPolicy(@Nullable String policy) {
			this.policy = policy;
			return this;
		}

		/** Permits one request costs. */
		public long getPermits() {
			return this.permits;
		}

		public Config setPermits(long permits) {
			this.permits = permits;
			return this;
		}

		/** Tier of the policy whose settings apply to the route; {@code null}: the policy's own. */
		public @Nullable String getTier() {
			return this.tier;
		}

		public Config setTier(@Nullable String tier) {
			this.tier = tier;
			return this;
		}

		/** Longest time a request waits for its permits, e.g. {@code 2s}; {@code null}: refused at once. */
		public @Nullable String getMaxWait() {
			return this.maxWait;
		}

		public Config setMaxWait(@Nullable String maxWait) {
			this.maxWait = maxWait;
			return this;
		}

	}

}
