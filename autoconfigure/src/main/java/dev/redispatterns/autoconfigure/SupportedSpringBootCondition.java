package dev.redispatterns.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.redispatterns.core.RedisPatternsConfigurationException;

/**
 * Refuses to start on a Spring Boot older than 4.1, with a failure report instead of the
 * {@code NoClassDefFoundError} that the starter's use of Boot 4.1 types would end in (Boot 4.0.0 lacks
 * {@code RedisMessageListenerContainerConfigurer}, for one). An unknown version (Boot's jar repackaged
 * without its manifest) passes.
 */
class SupportedSpringBootCondition extends SpringBootCondition {

	static final int MAJOR = 4;

	static final int MINOR = 1;

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		check(SpringBootVersion.getVersion());
		return ConditionOutcome.match("Spring Boot " + SpringBootVersion.getVersion() + " is supported");
	}

	static void check(@Nullable String version) {
		if (version == null) {
			return;
		}
		String[] parts = version.split("[.-]");
		try {
			int major = Integer.parseInt(parts[0]);
			int minor = (parts.length > 1) ? Integer.parseInt(parts[1]) : 0;
			if (major < MAJOR || (major == MAJOR && minor < MINOR)) {
				throw new RedisPatternsConfigurationException(
						"Redis Patterns for Spring Boot needs Spring Boot " + MAJOR + "." + MINOR
								+ " or later, but the application runs on Spring Boot " + version + ".",
						"Upgrade the application to Spring Boot " + MAJOR + "." + MINOR
								+ ".x, or remove the redis-patterns-spring-boot-starter dependency.");
			}
		}
		catch (NumberFormatException ex) {
			// not a release version number: nothing to compare
		}
	}

}
