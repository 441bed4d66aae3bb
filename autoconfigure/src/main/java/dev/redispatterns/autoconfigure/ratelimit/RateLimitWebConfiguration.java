package dev.redispatterns.autoconfigure.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.Filter;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.WebFilter;
import org.springframework.web.util.pattern.PathPatternParser;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.core.internal.IdentityHasher;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.ratelimit.internal.RateLimitDecisionRecorder;
import dev.redispatterns.ratelimit.web.ClientIpKeyResolver;
import dev.redispatterns.ratelimit.web.internal.ClientAddressResolver;
import dev.redispatterns.ratelimit.web.internal.RateLimitHeaders;
import dev.redispatterns.ratelimit.web.internal.RateLimitRule;
import dev.redispatterns.ratelimit.web.internal.RateLimitServletFilter;
import dev.redispatterns.ratelimit.web.internal.RateLimitWebFilter;
import dev.redispatterns.ratelimit.web.internal.ServletRateLimitDecisionRecorder;

/**
 * Web integration of rate limiting, for Spring MVC and WebFlux: the {@code clientIp} key resolver and the
 * URL-rule filter, with the 429 / 503 problem responses and limit headers of
 * {@link RateLimitResponsesConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@Import(RateLimitResponsesConfiguration.class)
@ConditionalOnWebApplication
@ConditionalOnClass(ProblemDetail.class)
class RateLimitWebConfiguration {

	static final String WEB = RateLimitPolicies.PREFIX + ".web";

	@Bean
	@ConditionalOnMissingBean
	ClientAddressResolver redisPatternsClientAddressResolver(RedisPatternsRateLimitProperties properties) {
		List<String> proxies = properties.getWeb().getTrustedProxies();
		for (int i = 0; i < proxies.size(); i++) {
			try {
				ClientAddressResolver.of(List.of(proxies.get(i)), "x");
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidPropertyException(WEB + ".trusted-proxies[" + i + "]", proxies.get(i), ex.getMessage());
			}
		}
		int prefix = properties.getWeb().getIpv6PrefixLength();
		if (prefix < 1 || prefix > 128) {
			throw new InvalidPropertyException(WEB + ".ipv6-prefix-length", prefix, "must be 1 to 128");
		}
		return ClientAddressResolver.of(proxies, properties.getWeb().getForwardedForHeader(), prefix);
	}

	@Bean(name = "clientIp")
	@ConditionalOnMissingBean(name = "clientIp")
	ClientIpKeyResolver clientIp(ClientAddressResolver resolver, ObjectProvider<IdentityHasher> identities) {
		return new ClientIpKeyResolver(resolver, identities.getIfAvailable(IdentityHasher::none));
	}

	/** The filter rules that run before ({@code true}) or after Spring Security. */
	static List<RateLimitRule> rules(RedisPatternsRateLimitProperties properties, RateLimiter limiter,
			IdentityHasher identities, boolean beforeSecurity) {
		return rules(properties, limiter, identities).stream()
			.filter((rule) -> rule.beforeSecurity() == beforeSecurity)
			.toList();
	}

	/** The filter rules, checked against the policies at start-up. */
	static List<RateLimitRule> rules(RedisPatternsRateLimitProperties properties, RateLimiter limiter,
			IdentityHasher identities) {
		List<RateLimitRule> rules = new ArrayList<>();
		for (Map.Entry<String, RedisPatternsRateLimitProperties.Rule> entry : properties.getWeb()
			.getFilter()
			.getRules()
			.entrySet()) {
			String prefix = WEB + ".filter.rules." + entry.getKey();
			RedisPatternsRateLimitProperties.Rule rule = entry.getValue();
			String policy = rule.getPolicy();
			if (policy == null || policy.isBlank()) {
				throw new InvalidPropertyException(prefix + ".policy", policy, "must name a policy");
			}
			if (!limiter.hasPolicy(policy)) {
				throw new InvalidPropertyException(prefix + ".policy", policy,
						"no such policy; define " + RateLimitPolicies.PREFIX + ".policies." + policy + ".*");
			}
			if (rule.getPatterns().isEmpty()) {
				throw new InvalidPropertyException(prefix + ".patterns", rule.getPatterns(), "must not be empty");
			}
			for (int i = 0; i < rule.getPatterns().size(); i++) {
				try {
					PathPatternParser.defaultInstance.parse(rule.getPatterns().get(i));
				}
				catch (RuntimeException ex) {
					throw new InvalidPropertyException(prefix + ".patterns[" + i + "]", rule.getPatterns().get(i),
							ex.getMessage());
				}
			}
			if (rule.getPermits() < 1) {
				throw new InvalidPropertyException(prefix + ".permits", rule.getPermits(), "must be at least 1");
			}
			if (rule.isBeforeSecurity() && rule.getKey().trim().equalsIgnoreCase("principal")) {
				throw new InvalidPropertyException(prefix + ".before-security", true,
						"a rule keyed by principal runs after Spring Security, where the principal is known");
			}
			try {
				rules.add(new RateLimitRule(entry.getKey(), rule.getPatterns(), rule.getMethods(), policy, rule.getKey(),
						rule.getPermits(), rule.isPerClient(), rule.isBeforeSecurity()).withIdentities(identities));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidPropertyException(prefix + ".key", rule.getKey(), ex.getMessage());
			}
		}
		return rules;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ Filter.class, ProblemDetail.class })
	static class Servlet {

		@Bean
		@ConditionalOnMissingBean
		RateLimitDecisionRecorder redisPatternsRateLimitDecisionRecorder(RedisPatternsRateLimitProperties properties,
				RateLimitHeaders headers) {
			return properties.getWeb().isHeaders() ? new ServletRateLimitDecisionRecorder(headers)
					: RateLimitDecisionRecorder.NONE;
		}

		@Bean
		@ConditionalOnMissingBean(name = "redisPatternsRateLimitFilter")
		@Conditional(OnFilterRules.class)
		RateLimitServletFilter redisPatternsRateLimitFilter(RateLimiter limiter, RedisPatternsRateLimitProperties properties,
				ClientAddressResolver clientAddresses, RateLimitHeaders headers,
				ObjectProvider<IdentityHasher> identities) {
			List<RateLimitRule> rules = rules(properties, limiter, identities.getIfAvailable(IdentityHasher::none),
					false);
			return new RateLimitServletFilter(limiter, rules, clientAddresses, headers,
					properties.getWeb().isHeaders(), properties.getWeb().getFilter().getOrder());
		}

		/** The rules marked before-security, in a filter ahead of Spring Security's. */
		@Bean
		@ConditionalOnMissingBean(name = "redisPatternsRateLimitBeforeSecurityFilter")
		@Conditional(OnFilterRules.class)
		RateLimitServletFilter redisPatternsRateLimitBeforeSecurityFilter(RateLimiter limiter,
				RedisPatternsRateLimitProperties properties, ClientAddressResolver clientAddresses,
				RateLimitHeaders headers, ObjectProvider<IdentityHasher> identities) {
			List<RateLimitRule> rules = rules(properties, limiter, identities.getIfAvailable(IdentityHasher::none),
					true);
			return new RateLimitServletFilter(limiter, rules, clientAddresses, headers,
					properties.getWeb().isHeaders(), properties.getWeb().getFilter().getBeforeSecurityOrder());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass({ WebFilter.class, Mono.class, ProblemDetail.class })
	static class Reactive {

		@Bean
		@ConditionalOnMissingBean(name = "redisPatternsRateLimitWebFilter")
		RateLimitWebFilter redisPatternsRateLimitWebFilter(RateLimiter limiter, RedisPatternsRateLimitProperties properties,
				ClientAddressResolver clientAddresses, RateLimitHeaders headers,
				ObjectProvider<IdentityHasher> identities) {
			List<RateLimitRule> rules = rules(properties, limiter, identities.getIfAvailable(IdentityHasher::none),
					false);
			return new RateLimitWebFilter(limiter, rules, clientAddresses, headers,
					properties.getWeb().isHeaders(), properties.getWeb().getFilter().getOrder());
		}

		/** The rules marked before-security, in a web filter ahead of Spring Security's. */
		@Bean
		@ConditionalOnMissingBean(name = "redisPatternsRateLimitBeforeSecurityWebFilter")
		@Conditional(OnFilterRules.class)
		RateLimitWebFilter redisPatternsRateLimitBeforeSecurityWebFilter(RateLimiter limiter,
				RedisPatternsRateLimitProperties properties, ClientAddressResolver clientAddresses,
				RateLimitHeaders headers, ObjectProvider<IdentityHasher> identities) {
			List<RateLimitRule> rules = rules(properties, limiter, identities.getIfAvailable(IdentityHasher::none),
					true);
			return new RateLimitWebFilter(limiter, rules, clientAddresses, headers,
					properties.getWeb().isHeaders(), properties.getWeb().getFilter().getBeforeSecurityOrder());
		}

	}

	/** Matches when at least one filter rule is configured. */
	static class OnFilterRules extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean any = Binder.get(context.getEnvironment())
				.bind(WEB + ".filter.rules", Bindable.mapOf(String.class, RedisPatternsRateLimitProperties.Rule.class))
				.map((rules) -> !rules.isEmpty())
				.orElse(false);
			return any ? ConditionOutcome.match("rate-limit filter rules are configured")
					: ConditionOutcome.noMatch("no rate-limit filter rules");
		}

	}

}
