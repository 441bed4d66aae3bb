package dev.redispatterns.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.redispatterns.core.KeyExpressionException;

/**
 * Reports a key expression of the starter's annotations that cannot be used (checked at start-up), naming
 * the annotation, the method and the expression. Registered in {@code META-INF/spring.factories}.
 */
class KeyExpressionFailureAnalyzer extends AbstractFailureAnalyzer<KeyExpressionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, KeyExpressionException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the key expression: SpEL over the method's arguments (#name, compiled with -parameters, or #p0), "
						+ "#root.methodName, and only the beans listed in redis.patterns.expressions.allowed-beans.",
				cause);
	}

}
