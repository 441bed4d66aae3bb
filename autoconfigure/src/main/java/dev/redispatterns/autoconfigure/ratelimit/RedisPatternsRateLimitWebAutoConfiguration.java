package dev.redispatterns.autoconfigure.ratelimit;

import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.WebFilter;

import dev.redispatterns.ratelimit.web.internal.RateLimitExceptionHandler;
import dev.redispatterns.ratelimit.web.internal.RateLimitHeaders;
import dev.redispatterns.ratelimit.web.internal.RateLimitProblems;
import dev.redispatterns.ratelimit.web.internal.RateLimitWebExceptionHandler;

/**
 * The HTTP answer to {@code RateLimitExceededException} (429 with the limit headers and a problem body)
 * and {@code RateLimitUnavailableException} (503), without needing Redis, so that an application's
 * {@code @WebMvcTest} and {@code @WebFluxTest} slices, which import it, answer as the application does. In
 * a full application {@link RedisPatternsRateLimitAutoConfiguration} has defined these beans already.
 */
@AutoConfiguration(after = RedisPatternsRateLimitAutoConfiguration.class)
@ConditionalOnWebApplication
@ConditionalOnClass(ProblemDetail.class)
@ConditionalOnBooleanProperty(name = "redis.patterns.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "redis.patterns.rate-limit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisPatternsRateLimitProperties.class)
public final class RedisPatternsRateLimitWebAutoConfiguration {

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
