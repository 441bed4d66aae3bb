package dev.redispatterns.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import dev.redispatterns.autoconfigure.RedisPatternsProperties;
import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheProperties;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockProperties;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingProperties;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitProperties;
import dev.redispatterns.autoconfigure.session.RedisPatternsSessionProperties;
import dev.redispatterns.autoconfigure.structures.RedisPatternsStructuresProperties;

import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * {@code application.yml} is the reference example of the starter's properties, so every
 * {@code redis.patterns.*} entry in it must be a real property: each area is bound strictly (an unknown
 * name fails, as with {@code ignoreUnknownFields = false}).
 */
class ApplicationPropertiesTests {

	private static final Map<String, Class<?>> AREAS = Map.of("redis.patterns.cache",
			RedisPatternsCacheProperties.class, "redis.patterns.rate-limit", RedisPatternsRateLimitProperties.class,
			"redis.patterns.lock", RedisPatternsLockProperties.class, "redis.patterns.messaging",
			RedisPatternsMessagingProperties.class, "redis.patterns.session", RedisPatternsSessionProperties.class,
			"redis.patterns.structures", RedisPatternsStructuresProperties.class);

	@Test
	void everyStarterPropertyInApplicationYmlExists() throws Exception {
		List<PropertySource<?>> yaml = new YamlPropertySourceLoader().load("application.yml",
				new ClassPathResource("application.yml"));
		StandardEnvironment environment = new StandardEnvironment();
		yaml.forEach(environment.getPropertySources()::addFirst);
		PropertySourcesPlaceholdersResolver placeholders = new PropertySourcesPlaceholdersResolver(environment);
		List<ConfigurationPropertySource> sources = new ArrayList<>();
		ConfigurationPropertySources.get(environment).forEach(sources::add);
		Binder binder = new Binder(sources, placeholders);
		BindHandler strict = new NoUnboundElementsBindHandler(BindHandler.DEFAULT);
		AREAS.forEach((prefix, type) -> assertThatCode(() -> binder.bind(prefix, Bindable.of(type), strict))
			.as(prefix)
			.doesNotThrowAnyException());
		// The core class sees everything but the feature areas, which have their own classes.
		Binder core = new Binder(sources.stream()
			.map((source) -> source.filter((name) -> AREAS.keySet()
				.stream()
				.noneMatch((area) -> ConfigurationPropertyName.of(area).isAncestorOf(name))))
			.toList(), placeholders);
		assertThatCode(() -> core.bind("redis.patterns", Bindable.of(RedisPatternsProperties.class), strict))
			.as("redis.patterns")
			.doesNotThrowAnyException();
	}

}
