package dev.redispatterns.session;

import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.redispatterns.test.RedisDeployment;

/**
 * What every session contract suite shares: the deployment it runs against, emptied before each test, and the
 * session test application on it.
 */
abstract class SessionContract {

	final RedisDeployment redis;

	final WebApplicationContextRunner runner;

	SessionContract(RedisDeployment redis, UnaryOperator<WebApplicationContextRunner> customizer) {
		this.redis = redis;
		this.runner = customizer.apply(SessionTestApplication.runner(redis));
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

}
