package dev.redispatterns.ratelimit.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.gateway.filter.ratelimit.AbstractRateLimiter;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitGatewayAutoConfiguration;
import dev.redispatterns.ratelimit.gateway.internal.GatewayRateLimiter;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Spring Cloud Gateway route, in front of a real backend, limited by the starter's policies in
 * Redis. Tagged {@code gateway}: it runs in the surefire execution that has the gateway on its classpath.
 * The default execution, without the gateway, still loads this class to read its tag, so no gateway type may
 * appear in a signature here (lambdas included); gateway types are only used in method bodies.
 */
@Tag("gateway")
@RedisTest
class GatewayRateLimiterTests {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static RedisDeployment redis;

	static HttpServer backend;

	static final AtomicInteger BACKEND_CALLS = new AtomicInteger();

	static ConfigurableApplicationContext gateway;

	static int port;

	@BeforeAll
	static void start(RedisDeployment deployment) throws IOException {
		redis = deployment;
		backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		backend.createContext("/", (exchange) -> {
			BACKEND_CALLS.incrementAndGet();
			byte[] body = "backend".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		backend.start();
		String uri = "http://127.0.0.1:" + backend.getAddress().getPort();
		String routes = "spring.cloud.gateway.server.webflux.routes";
		List<String> properties = new ArrayList<>(List.of("server.port=0",
				"redis.patterns.rate-limit.policies.partner-api.algorithm=sliding-log",
				"redis.patterns.rate-limit.policies.partner-api.limit=2",
				"redis.patterns.rate-limit.policies.partner-api.window=1h",
				"redis.patterns.rate-limit.policies.partner-api.tiers.gold.limit=4",
				"redis.patterns.rate-limit.policies.partner-slow.algorithm=gcra",
				"redis.patterns.rate-limit.policies.partner-slow.limit=1",
				"redis.patterns.rate-limit.policies.partner-slow.window=300ms"));
		route(properties, routes + "[0]", "plain", uri, "/plain/**", "partner-api", null, null);
		route(properties, routes + "[1]", "gold", uri, "/gold/**", "partner-api", "gold", null);
		route(properties, routes + "[2]", "slow", uri, "/slow/**", "partner-slow", null, "20s");
		SpringApplication application = new SpringApplication(GatewayApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.addInitializers(
				(context) -> ((GenericApplicationContext) context).registerBean("clientKeys", ClientAddressKeys.class));
		String[] args = Stream.concat(Arrays.stream(deployment.springProperties()), properties.stream())
			.map((property) -> "--" + property)
			.toArray(String[]::new);
		gateway = application.run(args);
		port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
	}

	private static void route(List<String> properties, String prefix, String id, String uri, String path,
			String policy, String tier, String maxWait) {
		properties.add(prefix + ".id=" + id);
		properties.add(prefix + ".uri=" + uri);
		properties.add(prefix + ".predicates[0]=Path=" + path);
		properties.add(prefix + ".filters[0].name=RequestRateLimiter");
		properties.add(prefix + ".filters[0].args.key-resolver=#{@clientKeys}");
		properties.add(prefix + ".filters[0].args.redis-patterns-rate-limiter.policy=" + policy);
		if (tier != null) {
			properties.add(prefix + ".filters[0].args.redis-patterns-rate-limiter.tier=" + tier);
		}
		if (maxWait != null) {
			properties.add(prefix + ".filters[0].args.redis-patterns-rate-limiter.max-wait=" + maxWait);
		}
	}

	@AfterAll
	static void stop() {
		if (gateway != null) {
			gateway.close();
		}
		if (backend != null) {
			backend.stop(0);
		}
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
		BACKEND_CALLS.set(0);
	}

	@Test
	void aRouteIsLimitedByTheStartersPolicyWithItsHeaders() throws Exception {
		for (int i = 1; i <= 2; i++) {
			HttpResponse<String> allowed = get("/plain/x");
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(allowed.body()).isEqualTo("backend");
			assertThat(allowed.headers().firstValue("X-RateLimit-Limit")).hasValue("2");
			assertThat(allowed.headers().firstValue("X-RateLimit-Remaining")).hasValue(Integer.toString(2 - i));
			assertThat(allowed.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
					(policy) -> assertThat(policy).startsWith("\"partner-api\";q=2;w=3600"));
		}
		HttpResponse<String> refused = get("/plain/y");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
		assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
				(seconds) -> assertThat(Long.parseLong(seconds)).isPositive());
		assertThat(BACKEND_CALLS).as("the refused request never reached the backend").hasValue(2);
	}

	@Test
	void aRouteCanUseATierOfThePolicy() throws Exception {
		for (int i = 0; i < 4; i++) {
			HttpResponse<String> allowed = get("/gold/x");
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(allowed.headers().firstValue("X-RateLimit-Limit")).hasValue("4");
			assertThat(allowed.headers().firstValue("X-RateLimit-Tier")).hasValue("gold");
		}
		assertThat(get("/gold/x").statusCode()).isEqualTo(429);
	}

	@Test
	void aRouteCanDelayRequestsUntilTheirPermitsAreDue() throws Exception {
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			responses.add(CLIENT.sendAsync(request("/slow/x"), HttpResponse.BodyHandlers.ofString()));
		}
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			assertThat(response.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		assertThat(BACKEND_CALLS).hasValue(4);
	}

	@Test
	void theAdapterBacksOffWithoutTheGateway() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
					RedisPatternsRateLimitGatewayAutoConfiguration.class))
			.withPropertyValues(redis.springProperties())
			.withClassLoader(new FilteredClassLoader(AbstractRateLimiter.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(GatewayRateLimiter.class));
		assertThat(gateway.getBean(org.springframework.cloud.gateway.filter.ratelimit.RateLimiter.class))
			.as("the gateway's primary rate limiter, beside its own redisRateLimiter")
			.isInstanceOf(GatewayRateLimiter.class);
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return CLIENT.send(request(path), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class GatewayApplication {

	}

}
