package dev.redispatterns.autoconfigure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;

import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.messaging.PubSubListener;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What a user sees when the starter refuses to start: Spring Boot's "APPLICATION FAILED TO START" report,
 * not a stack trace.
 */
@RedisTest
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTests {

	private final RedisDeployment redis;

	StartupFailureReportTests(RedisDeployment redis) {
		this.redis = redis;
	}

	@Test
	void invalidPropertyValueIsReportedWithItsNameValueAndOrigin(CapturedOutput output) {
		String report = failedStart(output, StarterApplication.class,
				"redis.patterns.rate-limit.policies.p.algorithm=gcra", "redis.patterns.rate-limit.policies.p.limit=0",
				"redis.patterns.rate-limit.policies.p.window=1m");
		assertThat(report).contains("Invalid value '0' for configuration property "
				+ "'redis.patterns.rate-limit.policies.p.limit' (originating from '\"redis.patterns.rate-limit.policies.p.limit\" from property source \"commandLineArgs\"')")
			.contains("Validation failed for the following reason:")
			.contains("must be positive")
			.contains("Review the value of the property with the provided reason.");
	}

	@Test
	void listenerMethodWithAWrongSignatureIsReportedWithTheSignatureToUse(CapturedOutput output) {
		String report = failedStart(output, WrongListenerApplication.class);
		assertThat(report).contains("Description:\n\n@PubSubListener method " + WrongListenerApplication.class.getName()
				+ ".onPrice() must take the payload and, optionally, a String parameter for the channel, but takes 3 "
				+ "parameters")
			.contains("Action:\n\nDeclare the method as void onPrice(Payload payload) or void onPrice(Payload payload, "
					+ "String channel).");
	}

	@Test
	void listenerWithoutChannelsIsReportedWithWhatToSet(CapturedOutput output) {
		String report = failedStart(output, NoChannelApplication.class);
		assertThat(report).contains("Description:\n\n@PubSubListener method " + NoChannelApplication.class.getName()
				+ ".onAnything() names no channel and no pattern")
			.contains("Action:\n\nSet the annotation's channels or patterns attribute.");
	}

	@Test
	void invalidKeyExpressionIsReportedWithTheMethodAndExpression(CapturedOutput output) {
		String report = failedStart(output, BrokenKeyApplication.class);
		assertThat(report).contains("Description:\n\nKey expression '#user +' of @RateLimited on "
				+ BrokenKeyApplication.class.getName() + ".search(")
			.contains("is not a valid SpEL expression")
			.contains("Action:\n\nFix the key expression: SpEL over the method's arguments");
	}

	@Test
	void rateLimitedNamingAnUndefinedPolicyIsReportedWithThePropertyToSet(CapturedOutput output) {
		String report = failedStart(output, UndefinedPolicyApplication.class);
		assertThat(report).contains("Description:\n\n@RateLimited on " + UndefinedPolicyApplication.class.getName()
				+ ".search: value names policy 'search', which is not defined under "
				+ "redis.patterns.rate-limit.policies.search")
			.contains("Action:\n\nConfigure redis.patterns.rate-limit.policies.search.* (algorithm, limit, window), "
					+ "correct the name, or declare the limit inline with limit and window.");
	}

	/** Starts the application, expects it to fail and returns Boot's failure report. */
	private String failedStart(CapturedOutput output, Class<?> application, String... properties) {
		List<String> args = new ArrayList<>();
		Arrays.stream(this.redis.springProperties()).map((property) -> "--" + property).forEach(args::add);
		Arrays.stream(properties).map((property) -> "--" + property).forEach(args::add);
		SpringApplication app = new SpringApplication(application);
		app.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> app.run(args.toArray(String[]::new)).close());
		String all = output.toString();
		int start = all.lastIndexOf("APPLICATION FAILED TO START");
		assertThat(start).as("Boot's failure report in:%n%s", all).isNotNegative();
		return all.substring(start);
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisPatternsAutoConfiguration.class,
			RedisPatternsRateLimitAutoConfiguration.class, RedisPatternsMessagingAutoConfiguration.class })
	static class StarterApplication {

	}

	@SpringBootConfiguration
	@Import(StarterApplication.class)
	static class WrongListenerApplication {

		@PubSubListener(channels = "prices")
		void onPrice(String price, String channel, int extra) {
		}

	}

	@SpringBootConfiguration
	@Import(StarterApplication.class)
	static class NoChannelApplication {

		@PubSubListener
		void onAnything(String message) {
		}

	}

	@SpringBootConfiguration
	@Import(StarterApplication.class)
	@ImportAutoConfiguration(AopAutoConfiguration.class)
	static class BrokenKeyApplication {

		@RateLimited(limit = 5, window = "1m", key = "#user +")
		public void search(String user) {
		}

	}

	@SpringBootConfiguration
	@Import(StarterApplication.class)
	@ImportAutoConfiguration(AopAutoConfiguration.class)
	static class UndefinedPolicyApplication {

		@RateLimited("search")
		public void search(String user) {
		}

	}

}
