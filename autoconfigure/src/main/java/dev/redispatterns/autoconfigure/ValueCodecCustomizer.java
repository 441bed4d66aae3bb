package dev.redispatterns.autoconfigure;

import tools.jackson.databind.json.JsonMapper;

/**
 * Customizes the Jackson mapper behind the starter's JSON value codec, for example to register a module
 * for the application's value types. Customizers run in {@link org.springframework.core.annotation.Order}.
 */
@FunctionalInterface
public interface ValueCodecCustomizer {

	void customize(JsonMapper.Builder builder);

}
