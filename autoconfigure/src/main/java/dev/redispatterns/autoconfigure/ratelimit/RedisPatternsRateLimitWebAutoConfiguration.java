package dev.redispatterns.autoconfigure.ratelimit;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;
import org.springframework.http.ProblemDetail;

/**
 * The HTTP answer to {@code RateLimitExceededException} (429 with the limit headers and a problem body)
 * and {@code RateLimitUnavailableException} (503), without needing Redis, so that an application's
 * {@code @WebMvcTest} and {@code @WebFluxTest} slices, which import it, answer as the application does. In
 * a full application {@link RedisPatternsRateLimitAutoConfiguration} has imported the same beans already.
 */
@AutoConfiguration(after = RedisPatternsRateLimitAutoConfiguration.class)
@ConditionalOnWebApplication
@ConditionalOnClass(ProblemDetail.class)
@ConditionalOnBooleanProperty(name = "redis.patterns.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "redis.patterns.rate-limit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisPatternsRateLimitProperties.class)
@Import(RateLimitResponsesConfiguration.class)
public final class RedisPatternsRateLimitWebAutoConfiguration {

}
