package dev.redispatterns.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Hints for AOT processing and native images: every feature's Lua scripts are class-path resources read
 * at start-up. Listener and annotated methods are covered by {@code @Reflective} on the annotations, the
 * types stored in Redis by {@link RedisPatternsBeanFactoryInitializationAotProcessor}.
 */
class RedisPatternsRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern("dev/redispatterns/**/*.lua");
	}

}
