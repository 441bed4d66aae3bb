package dev.redispatterns.lock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.test.RedisDeployment;

/** Application contexts for the advice tests: the starter's auto-configuration plus guarded beans. */
final class LockApplications {

	private LockApplications() {
	}

	static ApplicationContextRunner runner(RedisDeployment redis) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsLockAutoConfiguration.class,
					AopAutoConfiguration.class, TaskSchedulingAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		LockedService lockedService(ObjectProvider<LockedService> self) {
			return new LockedService(self);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class Scheduled {

		@Bean
		ReportJob reportJob() {
			return new ReportJob();
		}

	}

}
