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
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
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
			RedisPatternsRateLimitAutoConfiguration.class })
	static class StarterApplication {

	}

}
