package dev.redispatterns.autoconfigure.ratelimit;

import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.WebFilter;

import dev.redispatterns.ratelimit.web.internal.RateLimitExceptionHandler;
import dev.redispatterns.ratelimit.web.internal.RateLimitHeaders;
import dev.redispatterns.ratelimit.web.internal.RateLimitProblems;
import dev.redispatterns.ratelimit.web.internal.RateLimitWebExceptionHandler;

/**
 * The HTTP answer to a refused or unavailable rate limit: limit headers and the 429 / 503 problem responses.
 * Imported by the rate-limit auto-configuration (whose filters use them) and by
 * {@link RedisPatternsRateLimitWebAutoConfiguration} (for web test slices, which have no Redis); Spring
 * registers it once.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@ConditionalOnClass(ProblemDetail.class)
class RateLimitResponsesConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RateLimitHeaders redisPatternsRateLimitHeaders(RedisPatternsRateLimitProperties properties) {
		return new RateLimitHeaders(properties.getWeb().isIetfHeaders());
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimitProblems redisPatternsRateLimitProblems(RateLimitHeaders headers) {
		return new RateLimitProblems(headers);
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimitExceptionHandler redisPatternsRateLimitExceptionHandler(RateLimitProblems problems) {
		return new RateLimitExceptionHandler(problems);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass({ WebFilter.class, Mono.class })
	static class Reactive {

		@Bean
		@ConditionalOnMissingBean
		RateLimitWebExceptionHandler redisPatternsRateLimitWebExceptionHandler(RateLimitProblems problems) {
			return new RateLimitWebExceptionHandler(problems);
		}

	}

}
