package dev.redispatterns.autoconfigure.ratelimit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.ratelimit.internal.RateLimitDecisionRecorder;
import dev.redispatterns.ratelimit.web.ClientIpKeyResolver;
import dev.redispatterns.ratelimit.web.internal.RateLimitExceptionHandler;
import dev.redispatterns.ratelimit.web.internal.RateLimitServletFilter;
import dev.redispatterns.ratelimit.web.internal.RateLimitWebExceptionHandler;
import dev.redispatterns.ratelimit.web.internal.RateLimitWebFilter;
import dev.redispatterns.ratelimit.web.internal.ServletRateLimitDecisionRecorder;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest
class RateLimitWebAutoConfigurationTests {

	private final WebApplicationContextRunner servlet;

	private final ReactiveWebApplicationContextRunner reactive;

	RateLimitWebAutoConfigurationTests(RedisDeployment redis) {
		AutoConfigurations configurations = AutoConfigurations.of(DataRedisAutoConfiguration.class,
				RedisPatternsAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class);
		String[] policy = { "redis.patterns.rate-limit.policies.api.algorithm=gcra",
				"redis.patterns.rate-limit.policies.api.limit=5", "redis.patterns.rate-limit.policies.api.window=1s" };
		this.servlet = new WebApplicationContextRunner().withConfiguration(configurations)
			.withPropertyValues(redis.springProperties())
			.withPropertyValues(policy);
		this.reactive = new ReactiveWebApplicationContextRunner().withConfiguration(configurations)
			.withPropertyValues(redis.springProperties())
			.withPropertyValues(policy);
	}

	@Test
	void servletApplicationsGetTheExceptionHandlerRecorderAndResolver() {
		this.servlet.run((context) -> assertThat(context).hasSingleBean(RateLimitExceptionHandler.class)
			.hasSingleBean(ServletRateLimitDecisionRecorder.class)
			.hasBean("clientIp")
			.doesNotHaveBean(RateLimitServletFilter.class)
			.doesNotHaveBean(RateLimitWebFilter.class));
		this.servlet
			.withPropertyValues("redis.patterns.rate-limit.web.filter.rules.all.patterns=/**",
					"redis.patterns.rate-limit.web.filter.rules.all.policy=api")
			.run((context) -> {
				assertThat(context.getBeansOfType(RateLimitServletFilter.class)).as("after and before Spring Security")
					.hasSize(2);
				assertThat(context.getBean("redisPatternsRateLimitFilter", RateLimitServletFilter.class).getOrder())
					.isZero();
				assertThat(context.getBean("redisPatternsRateLimitBeforeSecurityFilter", RateLimitServletFilter.class)
					.getOrder()).isEqualTo(-101);
			});
		this.servlet.withPropertyValues("redis.patterns.rate-limit.web.headers=false")
			.run((context) -> assertThat(context.getBean(RateLimitDecisionRecorder.class))
				.isSameAs(RateLimitDecisionRecorder.NONE));
	}

	@Test
	void reactiveApplicationsGetTheWebFilterAndExceptionHandlers() {
		this.reactive.run((context) -> assertThat(context).hasSingleBean(RateLimitExceptionHandler.class)
			.hasSingleBean(RateLimitWebFilter.class)
			.hasSingleBean(RateLimitWebExceptionHandler.class)
			.hasSingleBean(ClientIpKeyResolver.class)
			.doesNotHaveBean(RateLimitServletFilter.class));
	}

	@Test
	void invalidTrustedProxyFailsStartUpNamingTheProperty() {
		this.servlet.withPropertyValues("redis.patterns.rate-limit.web.trusted-proxies=10.0.0.0/8,gateway.local")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("redis.patterns.rate-limit.web.trusted-proxies[1]");
			});
	}

	@Test
	void filterRuleNamingAnUndefinedPolicyFailsStartUpNamingTheProperty() {
		this.servlet
			.withPropertyValues("redis.patterns.rate-limit.web.filter.rules.r.patterns=/api/**",
					"redis.patterns.rate-limit.web.filter.rules.r.policy=missing")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("redis.patterns.rate-limit.web.filter.rules.r.policy");
			});
	}

	@Test
	void filterRuleWithAnUnknownKeyFailsStartUpNamingTheProperty() {
		this.reactive
			.withPropertyValues("redis.patterns.rate-limit.web.filter.rules.r.patterns=/api/**",
					"redis.patterns.rate-limit.web.filter.rules.r.policy=api",
					"redis.patterns.rate-limit.web.filter.rules.r.key=cookie:session")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("redis.patterns.rate-limit.web.filter.rules.r.key");
			});
	}

	@Test
	void principalRuleBeforeSecurityOrAnInvalidIpv6PrefixFailsStartUpNamingTheProperty() {
		this.servlet
			.withPropertyValues("redis.patterns.rate-limit.web.filter.rules.r.patterns=/api/**",
					"redis.patterns.rate-limit.web.filter.rules.r.policy=api",
					"redis.patterns.rate-limit.web.filter.rules.r.key=principal",
					"redis.patterns.rate-limit.web.filter.rules.r.before-security=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("redis.patterns.rate-limit.web.filter.rules.r.before-security");
			});
		this.servlet.withPropertyValues("redis.patterns.rate-limit.web.ipv6-prefix-length=129").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("redis.patterns.rate-limit.web.ipv6-prefix-length");
		});
	}

}
