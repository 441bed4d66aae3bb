package dev.redispatterns.autoconfigure;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.javapoet.ClassName;

import com.example.app.AppValue;
import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.lock.DistributedLock;
import dev.redispatterns.messaging.Delivery;
import dev.redispatterns.messaging.PubSubListener;
import dev.redispatterns.messaging.StreamGroupListener;
import dev.redispatterns.ratelimit.RateLimited;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an application's AOT processing (and so a native image) learns from the starter: the Lua
 * resources, the listener and annotated methods invoked by reflection, and the types read back from
 * Redis as JSON. No Redis is needed: AOT processing creates no connection.
 */
class RedisPatternsRuntimeHintsTests {

	@Test
	void everyLuaScriptIsAResourceHint() throws IOException {
		RuntimeHints hints = new RuntimeHints();
		new RedisPatternsRuntimeHints().registerHints(hints, getClass().getClassLoader());
		Resource[] scripts = new PathMatchingResourcePatternResolver()
			.getResources("classpath*:dev/redispatterns/**/*.lua");
		assertThat(scripts).hasSizeGreaterThan(40);
		for (Resource script : scripts) {
			String url = script.getURL().toString();
			String path = url.substring(url.indexOf("dev/redispatterns/"));
			assertThat(RuntimeHintsPredicates.resource().forResource(path)).as(path).accepts(hints);
		}
	}

	@Test
	void applicationAotProcessingRegistersListenersAnnotatedMethodsAndStoredTypes() {
		RuntimeHints hints = processAheadOfTime(ShopConfiguration.class,
				"redis.patterns.codec.allowed-types=com.example.app.AppValue");
		assertThat(RuntimeHintsPredicates.resource().forResource("dev/redispatterns/ratelimit/rate_limit_gcra.lua"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Shop.class, "onPrice")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Shop.class, "onOrder")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Price.class, "cents"))
			.as("payload bound from JSON").accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Order.class, "id")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Delivery.class)).as("not a payload").rejects(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Shop.class, "search")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Shop.class, "checkout")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Product.class, "name"))
			.as("cached result, unwrapped from Optional").accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(AppValue.class, "name"))
			.as("redis.patterns.codec.allowed-types").accepts(hints);
	}

	private static RuntimeHints processAheadOfTime(Class<?> configuration, String... properties) {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			TestPropertyValues.of(properties).applyTo(context);
			context.register(configuration);
			DefaultGenerationContext generation = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get("com.example", "AotTest")), new InMemoryGeneratedFiles());
			new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
			return generation.getRuntimeHints();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisPatternsAutoConfiguration.class,
			RedisPatternsMessagingAutoConfiguration.class, RedisPatternsCacheAutoConfiguration.class,
			CacheAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
			RedisPatternsLockAutoConfiguration.class })
	static class ShopConfiguration {

		@Bean
		Shop shop() {
			return new Shop();
		}

	}

	public static class Shop {

		@PubSubListener(channels = "prices")
		public void onPrice(Price price, String channel) {
		}

		@StreamGroupListener(stream = "orders", group = "billing")
		public void onOrder(Delivery delivery, Order order) {
		}

		@Cacheable("products")
		public Optional<Product> product(long id) {
			return Optional.empty();
		}

		@RateLimited(limit = 10, window = "1m")
		public List<Product> search(String query) {
			return List.of();
		}

		@DistributedLock(key = "'order:' + #id")
		public void checkout(long id) {
		}

	}

	public record Price(long cents) {
	}

	public record Order(String id) {
	}

	public record Product(String name) {
	}

}
