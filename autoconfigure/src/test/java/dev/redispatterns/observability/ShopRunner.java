package dev.redispatterns.observability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.test.RedisDeployment;

/**
 * Starts {@link ObservedShop} as a real web application on a free port and talks HTTP to it.
 */
final class ShopRunner {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private ShopRunner() {
	}

	static ConfigurableApplicationContext start(RedisDeployment redis, String... extraProperties) {
		SpringApplication application = new SpringApplication(ObservedShop.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		List<String> args = new ArrayList<>();
		Arrays.stream(redis.springProperties()).forEach((property) -> args.add("--" + property));
		Arrays.stream(ObservedShop.PROPERTIES).forEach((property) -> args.add("--" + property));
		args.add("--server.port=0");
		args.add("--management.endpoints.web.exposure.include=redispatterns,health,prometheus");
		Arrays.stream(extraProperties).forEach((property) -> args.add("--" + property));
		return application.run(args.toArray(String[]::new));
	}

	static HttpResponse<String> send(ConfigurableApplicationContext context, String method, String path,
			String... headers) throws IOException, InterruptedException {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (headers.length > 0) {
			request.headers(headers);
		}
		return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** Waits for a condition with a deadline; fails with {@code what} if it never holds. */
	static void await(String what, BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Timed out waiting for " + what);
			}
			Thread.sleep(20);
		}
	}

}
