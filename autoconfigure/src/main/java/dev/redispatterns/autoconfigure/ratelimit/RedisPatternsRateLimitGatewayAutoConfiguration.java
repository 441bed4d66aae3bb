package dev.redispatterns.autoconfigure.ratelimit;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.ratelimit.gateway.internal.GatewayRateLimiter;
import dev.redispatterns.ratelimit.web.internal.RateLimitHeaders;

/**
 * The Spring Cloud Gateway {@code RateLimiter} on the starter's policies, when the gateway is there. It is
 * the gateway's primary rate limiter, so {@code RequestRateLimiter} filters use it without naming it (the
 * gateway's own {@code redisRateLimiter} stays available as {@code #{@redisRateLimiter}}); it runs before
 * the gateway's auto-configuration, whose filter factory needs a rate limiter to exist.
 */
@AutoConfiguration(after = RedisPatternsRateLimitAutoConfiguration.class,
		beforeName = "org.springframework.cloud.gateway.config.GatewayAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.cloud.gateway.filter.ratelimit.AbstractRateLimiter")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBooleanProperty(name = "spring.cloud.gateway.server.webflux.enabled", matchIfMissing = true)
@ConditionalOnBean(RateLimiter.class)
public final class RedisPatternsRateLimitGatewayAutoConfiguration {

	@Bean
	@Primary
	@ConditionalOnMissingBean
	GatewayRateLimiter redisPatternsGatewayRateLimiter(RateLimiter limiter, ObjectProvider<RateLimitHeaders> headers,
			ConfigurationService gatewayConfigurationService) {
		return new GatewayRateLimiter(limiter, headers.getIfAvailable(() -> new RateLimitHeaders(true)),
				gatewayConfigurationService);
	}

}
