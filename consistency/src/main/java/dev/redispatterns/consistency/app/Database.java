package dev.redispatterns.consistency.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The source of truth the applications share, kept by the driver outside Redis (so Redis faults never reach
 * it) and time-stamped on the driver's clock: versioned values behind the cache, and a fenced register — it
 * accepts a claim only with a token above the last accepted one, and a write only with that latest token,
 * like the sample's {@code fence} column.
 */
@Component
public class Database {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String url;

	private final String process;

	public Database(@Value("${consistency.db-url}") String url, @Value("${consistency.process}") String process) {
		this.url = url;
		this.process = process;
	}

	/** Reads the current version of {@code key} (a cache load). */
	public long read(String key, long op) {
		return Long.parseLong(call("/src/read", "k", key, "op", Long.toString(op)));
	}

	/** Increments the version of {@code key}, returning the new one (an update of the source). */
	public long bump(String key, long op) {
		return Long.parseLong(call("/src/bump", "k", key, "op", Long.toString(op)));
	}

	/** Claims the register of {@code lock} with {@code token}: accepted only above the last accepted token. */
	public boolean claim(String lock, long token, long op) {
		return "accepted".equals(call("/fence/claim", "l", lock, "t", Long.toString(token), "op", Long.toString(op)));
	}

	/** Writes the register of {@code lock}: accepted only while {@code token} is the latest claim. */
	public boolean write(String lock, long token, long op) {
		return "accepted".equals(call("/fence/write", "l", lock, "t", Long.toString(token), "op", Long.toString(op)));
	}

	/** Marks the end of a critical section and whether the holder was told it lost the lock. */
	public void exit(String lock, long token, long op, boolean lost) {
		call("/fence/exit", "l", lock, "t", Long.toString(token), "op", Long.toString(op), "lost", Boolean.toString(lost));
	}

	private String call(String path, String... params) {
		StringBuilder uri = new StringBuilder(this.url).append(path).append("?p=").append(this.process);
		for (int i = 0; i < params.length; i += 2) {
			uri.append('&').append(params[i]).append('=').append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
		}
		HttpRequest request = HttpRequest.newBuilder(URI.create(uri.toString()))
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("database " + path + ": HTTP " + response.statusCode());
			}
			return response.body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
