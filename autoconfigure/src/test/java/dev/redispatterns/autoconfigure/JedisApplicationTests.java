package dev.redispatterns.autoconfigure;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.autoconfigure.session.RedisPatternsSessionAutoConfiguration;
import dev.redispatterns.autoconfigure.structures.RedisPatternsStructuresAutoConfiguration;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.messaging.QueueListener;
import dev.redispatterns.messaging.QueuePublisher;
import dev.redispatterns.messaging.StreamGroupListener;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.ratelimit.RateLimitExceededException;
import dev.redispatterns.session.UserSessions;
import dev.redispatterns.structures.Leaderboards;
import dev.redispatterns.structures.UniqueCounters;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A Boot web application on Jedis, as Spring Boot's documentation sets one up: {@code lettuce-core} left out
 * of the class path, {@code spring.data.redis.client-type=jedis}. Every pattern the README shows works
 * through Spring Data Redis (portable mode).
 */
@RedisTest
@Timeout(120)
class JedisApplicationTests {

	private final WebApplicationContextRunner runner;

	JedisApplicationTests(RedisDeployment redis) {
		redis.flushAll();
		this.runner = new WebApplicationContextRunner().withClassLoader(new FilteredClassLoader("io.lettuce"))
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsCacheAutoConfiguration.class,
					RedisPatternsRateLimitAutoConfiguration.class, RedisPatternsLockAutoConfiguration.class,
					RedisPatternsMessagingAutoConfiguration.class, RedisPatternsStructuresAutoConfiguration.class,
					RedisPatternsSessionAutoConfiguration.class))
			.withUserConfiguration(Services.class, WithoutAspectJTests.Services.class)
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("spring.data.redis.client-type=jedis",
					"redis.patterns.session.key-hashing.secret=0123456789abcdef0123456789abcdef");
	}

	@Test
	void everyPatternRunsOnJedisWithoutLettuce() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RedisConnectionFactory.class)).isInstanceOf(JedisConnectionFactory.class);
			assertThat(context.getBean(RedisConnector.class).isNative()).isFalse();

			Catalog catalog = context.getBean(Catalog.class);
			assertThat(catalog.product(7)).isEqualTo("product-7");
			assertThat(catalog.product(7)).isEqualTo("product-7");
			assertThat(catalog.loads()).as("the second read is a hit").isEqualTo(1);
			assertThat(context.getBean(CacheManager.class).getCache("products").get(7L, String.class))
				.isEqualTo("product-7");

			WithoutAspectJTests.Limited limited = context.getBean(WithoutAspectJTests.Limited.class);
			limited.call();
			assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(limited::call);

			WithoutAspectJTests.Locked locked = context.getBean(WithoutAspectJTests.Locked.class);
			long first = locked.fencingToken();
			assertThat(locked.fencingToken()).isGreaterThan(first);

			Listeners listeners = context.getBean(Listeners.class);
			context.getBean(StreamPublisher.class).publish("orders", "order-1");
			assertThat(listeners.nextOrder()).isEqualTo("order-1");
			context.getBean(QueuePublisher.class).enqueue("mails", "mail-1");
			assertThat(listeners.nextMail()).isEqualTo("mail-1");
			context.getBean(QueuePublisher.class).schedule("mails", "mail-2", Duration.ofMillis(200));
			assertThat(listeners.nextMail()).isEqualTo("mail-2");

			Leaderboards leaderboards = context.getBean(Leaderboards.class);
			leaderboards.board("weekly").submitBest("ann", 4200);
			leaderboards.board("weekly").submitBest("bob", 4100);
			assertThat(leaderboards.board("weekly").top(2)).extracting((ranked) -> ranked.member())
				.containsExactly("ann", "bob");
			UniqueCounters counters = context.getBean(UniqueCounters.class);
			counters.counter("visitors").add("u1");
			counters.counter("visitors").add("u2");
			counters.counter("visitors").add("u1");
			assertThat(counters.counter("visitors").count()).isEqualTo(2);

			@SuppressWarnings("unchecked")
			SessionRepository<Session> sessions = context.getBean(SessionRepository.class);
			Session session = sessions.createSession();
			session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "ann");
			sessions.save(session);
			assertThat(sessions.findById(session.getId())).isNotNull();
			assertThat(context.getBean(UserSessions.class).revokeAll("ann")).isEqualTo(1);
			assertThat(sessions.findById(session.getId())).isNull();
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Services {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

	}

	// public: the proxy classes are defined by the filtering class loader, outside this package's loader
	public static class Catalog {

		private final AtomicInteger loads = new AtomicInteger();

		public int loads() {
			return this.loads.get();
		}

		@Cacheable("products")
		public String product(long id) {
			this.loads.incrementAndGet();
			return "product-" + id;
		}

	}

	public static class Listeners {

		private final BlockingQueue<String> orders = new LinkedBlockingQueue<>();

		private final BlockingQueue<String> mails = new LinkedBlockingQueue<>();

		public String nextOrder() throws InterruptedException {
			return this.orders.poll(20, TimeUnit.SECONDS);
		}

		public String nextMail() throws InterruptedException {
			return this.mails.poll(20, TimeUnit.SECONDS);
		}

		@StreamGroupListener(stream = "orders", group = "billing")
		public void bill(String order) {
			this.orders.add(order);
		}

		@QueueListener("mails")
		public void send(String mail) {
			this.mails.add(mail);
		}

	}

}
