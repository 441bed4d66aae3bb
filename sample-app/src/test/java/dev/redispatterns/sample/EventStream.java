package dev.redispatterns.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A browser's Server-Sent Events connection to {@code /api/notifications}, read line by line.
 */
final class EventStream implements AutoCloseable {

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private final CompletableFuture<HttpResponse<Stream<String>>> response;

	private final CompletableFuture<Void> reading;

	private EventStream(int port) {
		this.response = HttpClient.newHttpClient()
			.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/notifications")).build(),
					HttpResponse.BodyHandlers.ofLines());
		this.reading = this.response.thenAccept((response) -> response.body().forEach(this.lines::add));
	}

	/** Connects and waits until the shop confirmed the connection, so no later notification is missed. */
	static EventStream open(int port) throws InterruptedException {
		EventStream stream = new EventStream(port);
		String first = stream.lines.poll(20, TimeUnit.SECONDS);
		if (!":connected".equals(first)) {
			stream.close();
			throw new AssertionError("The event stream did not open: " + first);
		}
		return stream;
	}

	/** The first {@code data:} line containing {@code text}, or {@code null} after the timeout. */
	String await(String text, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() - deadline < 0) {
			String line = this.lines.poll(100, TimeUnit.MILLISECONDS);
			if (line != null && line.startsWith("data:") && line.contains(text)) {
				return line;
			}
		}
		return null;
	}

	@Override
	public void close() {
		this.reading.cancel(true);
		this.response.cancel(true);
	}

}
