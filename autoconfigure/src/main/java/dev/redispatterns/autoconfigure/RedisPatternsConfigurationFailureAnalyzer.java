package dev.redispatterns.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.redispatterns.core.RedisPatternsConfigurationException;

/**
 * Turns the starter's start-up refusals into Spring Boot's "APPLICATION FAILED TO START" report, with the
 * exception's description and action. Registered in {@code META-INF/spring.factories}.
 */
class RedisPatternsConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<RedisPatternsConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisPatternsConfigurationException cause) {
		return new FailureAnalysis(cause.description(), cause.action(), cause);
	}

}
