package dev.redispatterns.benchmarks.e2e;

import java.util.ArrayList;
import java.util.List;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import dev.redispatterns.benchmarks.cache.Product;
import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;
import dev.redispatterns.benchmarks.ratelimit.RateLimitWorkload;
import dev.redispatterns.core.RedisConnector;

/**
 * A Spring Boot application as people write one: full auto-configuration (the starter, Spring Data Redis,
 * AOP, caching, Actuator with Micrometer and a Prometheus registry), {@code @EnableCaching}, one bean with
 * annotated methods. Settings are the starter's defaults, plus what the workloads need: the connection,
 * the two rate-limit policies (never reached) and the value package the JSON codec may read.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableCaching
public class PublicPathApplication {

	static final String TOKEN_BUCKET = "tb";

	static final String SLIDING_WINDOW = "sw";

	static final String ABUSE = "abuse";

	/** Cache of the cache-hit workload; the name the other cache subjects use as well. */
	static final String CACHE = "products";

	static final String STAMPEDE_CACHE = "stampede";

	@Bean
	PublicPathService publicPathService() {
		return new PublicPathService();
	}

	/**
	 * Starts one application instance against the cell's Redis.
	 * @param extra further properties ({@code name=value})
	 */
	public static ConfigurableApplicationContext start(CellContext context, String... extra) {
		long limit = RateLimitWorkload.LIMIT_PER_SECOND;
		List<String> properties = new ArrayList<>(List.of("spring.data.redis.host=" + context.host(),
				"spring.data.redis.port=" + context.port(), "spring.data.redis.timeout=10s",
				"redis.patterns.codec.allowed-packages=" + Product.class.getPackageName(),
				"redis.patterns.rate-limit.policies." + TOKEN_BUCKET + ".algorithm=token-bucket",
				"redis.patterns.rate-limit.policies." + TOKEN_BUCKET + ".capacity=" + limit,
				"redis.patterns.rate-limit.policies." + TOKEN_BUCKET + ".refill-rate=" + limit,
				"redis.patterns.rate-limit.policies." + SLIDING_WINDOW + ".algorithm=sliding-window",
				"redis.patterns.rate-limit.policies." + SLIDING_WINDOW + ".limit=" + limit,
				"redis.patterns.rate-limit.policies." + SLIDING_WINDOW + ".window=1s",
				"redis.patterns.rate-limit.policies." + ABUSE + ".algorithm=fixed-window",
				"redis.patterns.rate-limit.policies." + ABUSE + ".limit="
						+ dev.redispatterns.benchmarks.ratelimit.RateLimitPolicies.ABUSE_LIMIT_PER_SECOND,
				"redis.patterns.rate-limit.policies." + ABUSE + ".window=1s",
				// the lock hand-off cells run 4 instances; no JMX or endpoints are needed for measuring
				"spring.jmx.enabled=false", "logging.level.root=WARN"));
		properties.addAll(List.of(extra));
		ConfigurableApplicationContext application = new SpringApplicationBuilder(PublicPathApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(properties.toArray(String[]::new))
			.run();
		if (!AopUtils.isAopProxy(application.getBean(PublicPathService.class))) {
			application.close();
			throw new IllegalStateException("public path: the annotated service is not proxied");
		}
		return application;
	}

	/**
	 * Starts one application instance on Jedis ({@code spring.data.redis.client-type=jedis}, a pool of
	 * {@link Clients#JEDIS_POOL_SIZE}): the starter then runs in portable mode. Checks that it does, so a
	 * cell never measures Lettuce under a Jedis label.
	 */
	public static ConfigurableApplicationContext startOnJedis(CellContext context, String... extra) {
		List<String> properties = new ArrayList<>(List.of(Clients.jedisBootProperties()));
		properties.addAll(List.of(extra));
		ConfigurableApplicationContext application = start(context, properties.toArray(String[]::new));
		JedisConnectionFactory factory = application.getBean(JedisConnectionFactory.class);
		if (application.getBean(RedisConnector.class).isNative()
				|| factory.getPoolConfig() == null || factory.getPoolConfig().getMaxTotal() != Clients.JEDIS_POOL_SIZE) {
			application.close();
			throw new IllegalStateException("public path on Jedis: the starter is not in portable mode on a pool of "
					+ Clients.JEDIS_POOL_SIZE + " Jedis connections");
		}
		return application;
	}

	/** Which meter registry the context runs with, for the report's notes. */
	static String meterRegistry(ConfigurableApplicationContext application) {
		String[] names = application.getBeanNamesForType(io.micrometer.core.instrument.MeterRegistry.class);
		return (names.length == 0) ? "no MeterRegistry"
				: application.getBean(io.micrometer.core.instrument.MeterRegistry.class).getClass().getSimpleName();
	}

}
