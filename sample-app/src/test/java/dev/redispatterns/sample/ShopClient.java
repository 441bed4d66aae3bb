package dev.redispatterns.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A browser-like HTTP client for the tests: its own cookies (the session) and its own client address,
 * sent as {@code X-Forwarded-For} (believed from loopback, see {@code trusted-proxies}), so tests do not
 * share rate-limit buckets.
 */
final class ShopClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String base;

	private final String address;

	private final CookieManager cookies;

	private final HttpClient http;

	ShopClient(int port, String address) {
		this("http://localhost:" + port, address, new CookieManager());
	}

	private ShopClient(String base, String address, CookieManager cookies) {
		this.base = base;
		this.address = address;
		this.cookies = cookies;
		this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(10)).build();
	}

	/** The same browser (cookies) talking to another instance, as behind a load balancer. */
	ShopClient onPort(int port) {
		return new ShopClient("http://localhost:" + port, this.address, this.cookies);
	}

	HttpResponse<String> get(String path) {
		return send("GET", path, null);
	}

	HttpResponse<String> post(String path, String json) {
		return send("POST", path, json);
	}

	HttpResponse<String> put(String path, String json) {
		return send("PUT", path, json);
	}

	HttpResponse<String> signIn(String user) {
		return post("/api/login", "{\"username\":\"" + user + "\",\"password\":\"redis-patterns\"}");
	}

	HttpResponse<String> send(String method, String path, String json) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(30))
			.header("X-Forwarded-For", this.address)
			.header("Content-Type", "application/json")
			.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody())
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Creates an order of one product and returns its id. */
	long order(long productId, int quantity) {
		HttpResponse<String> response = post("/api/orders",
				"{\"lines\":[{\"productId\":" + productId + ",\"quantity\":" + quantity + "}]}");
		if (response.statusCode() != 200) {
			throw new IllegalStateException("Order failed: " + response.statusCode() + " " + response.body());
		}
		return json(response).get("id").asLong();
	}

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

}
