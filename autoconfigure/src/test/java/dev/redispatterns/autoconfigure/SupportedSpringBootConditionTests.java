package dev.redispatterns.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.core.RedisPatternsConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Spring Boot 4.1 and later are supported; older versions are refused at start-up with a report.
 */
class SupportedSpringBootConditionTests {

	@Test
	void theBootVersionOfThisBuildIsSupported() {
		assertThat(SpringBootVersion.getVersion()).startsWith("4.1.");
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RedisPatternsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void laterVersionsAndUnknownVersionsPass() {
		for (String version : new String[] { "4.1.0", "4.1.2", "4.2.0-SNAPSHOT", "5.0.0", null, "main" }) {
			assertThatNoException().as(version).isThrownBy(() -> SupportedSpringBootCondition.check(version));
		}
	}

	@Test
	void springBoot40IsRefusedWithAReport() {
		RedisPatternsConfigurationException failure = assertThatExceptionOfType(
				RedisPatternsConfigurationException.class)
			.isThrownBy(() -> SupportedSpringBootCondition.check("4.0.3"))
			.actual();
		FailureAnalysis analysis = new RedisPatternsConfigurationFailureAnalyzer()
			.analyze(new IllegalStateException("Error processing condition", failure));
		assertThat(analysis.getDescription()).isEqualTo("Redis Patterns for Spring Boot needs Spring Boot 4.1 or "
				+ "later, but the application runs on Spring Boot 4.0.3.");
		assertThat(analysis.getAction()).isEqualTo(
				"Upgrade the application to Spring Boot 4.1.x, or remove the redis-patterns-spring-boot-starter dependency.");
		assertThatExceptionOfType(RedisPatternsConfigurationException.class)
			.isThrownBy(() -> SupportedSpringBootCondition.check("3.5.6"));
	}

}
