package dev.redispatterns.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.framework.autoproxy.InfrastructureAdvisorAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.lock.DistributedLock;
import dev.redispatterns.lock.LockContext;
import dev.redispatterns.ratelimit.RateLimitExceededException;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter's annotations are plain Spring AOP advisors: they work without AspectJ on the classpath,
 * which is why the starter does not bring {@code spring-boot-starter-aspectj}.
 */
@RedisTest
class WithoutAspectJTests {

	private final ApplicationContextRunner runner;

	WithoutAspectJTests(RedisDeployment redis) {
		redis.flushAll();
		this.runner = new ApplicationContextRunner().withClassLoader(new FilteredClassLoader("org.aspectj"))
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
					RedisPatternsLockAutoConfiguration.class, AopAutoConfiguration.class))
			.withUserConfiguration(Services.class)
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void rateLimitsAndLocksApplyWithoutAspectJ() {
		this.runner.run((context) -> {
			assertThat(context.getBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME))
				.as("Boot's proxying without AspectJ").isExactlyInstanceOf(InfrastructureAdvisorAutoProxyCreator.class);
			Limited limited = context.getBean(Limited.class);
			assertThat(AopUtils.isAopProxy(limited)).isTrue();
			limited.call();
			assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(limited::call);
			Locked locked = context.getBean(Locked.class);
			assertThat(locked.fencingToken()).isPositive();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		Limited limited() {
			return new Limited();
		}

		@Bean
		Locked locked() {
			return new Locked();
		}

	}

	// public: the proxy class is defined by the filtering class loader, outside this package's loader
	public static class Limited {

		@RateLimited(limit = 1, window = "1h")
		public void call() {
		}

	}

	public static class Locked {

		@DistributedLock(key = "'without-aspectj'", waitTime = "5s")
		public long fencingToken() {
			return LockContext.current().fencingToken();
		}

	}

}
