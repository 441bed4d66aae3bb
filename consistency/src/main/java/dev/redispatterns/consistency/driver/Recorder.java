package dev.redispatterns.consistency.driver;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import dev.redispatterns.consistency.history.Op;
import dev.redispatterns.consistency.history.Status;

/**
 * Sends operations to the applications over HTTP and records each with its process, invoke and completion
 * time on the driver's clock, and outcome: {@code OK} with the answer, {@code FAIL} when the application
 * answered an error or could not be reached at all, {@code UNKNOWN} when no answer came in time.
 */
final class Recorder {

	private final RunClock clock;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.executor(Executors.newFixedThreadPool(4, (task) -> {
			Thread thread = new Thread(task, "recorder-http");
			thread.setDaemon(true);
			return thread;
		}))
		.build();

	private final AtomicLong ids = new AtomicLong();

	private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();

	Recorder(RunClock clock) {
		this.clock = clock;
	}

	long nextId() {
		return this.ids.incrementAndGet();
	}

	/**
	 * Runs one operation and records it.
	 * @param id from {@link #nextId()}, passed to the application so the database can name it too
	 * @param cookie a {@code SESSION} cookie value to send, or {@code null}
	 * @param detail kept with the operation (e.g. the session sent)
	 * @param params name, value, ... of the form parameters
	 */
	Reply call(long id, String pattern, AppProcess app, String type, String key, String path, Duration timeout,
			String cookie, String detail, String... params) {
		StringBuilder uri = new StringBuilder(app.url()).append(path).append("?op=").append(id);
		for (int i = 0; i < params.length; i += 2) {
			uri.append('&').append(params[i]).append('=').append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri.toString()))
			.timeout(timeout)
			.POST(HttpRequest.BodyPublishers.noBody());
		if (cookie != null) {
			request.header("Cookie", "SESSION=" + cookie);
		}
		long invoke = this.clock.now();
		Status status;
		String value;
		String setCookie = null;
		long complete;
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			complete = this.clock.now();
			if (response.statusCode() == 200) {
				status = Status.OK;
				value = response.body();
			}
			else {
				status = Status.FAIL;
				value = "HTTP " + response.statusCode();
			}
			setCookie = response.headers()
				.allValues("Set-Cookie")
				.stream()
				.filter((header) -> header.startsWith("SESSION="))
				.map((header) -> header.substring("SESSION=".length(), header.indexOf(';') > 0 ? header.indexOf(';') : header.length()))
				.findFirst()
				.orElse(null);
		}
		catch (ConnectException ex) {
			complete = this.clock.now();
			status = Status.FAIL;
			value = "unreachable";
		}
		catch (IOException ex) {
			complete = Long.MAX_VALUE;
			status = Status.UNKNOWN;
			value = "";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			complete = Long.MAX_VALUE;
			status = Status.UNKNOWN;
			value = "";
		}
		Op op = new Op(id, pattern, app.name(), type, key, invoke, complete, status, value, (detail != null) ? detail : "");
		this.ops.add(op);
		return new Reply(op, setCookie);
	}

	/** Replaces a recorded operation's value (a login's value becomes the session it created). */
	void relabel(Op op, String value) {
		if (this.ops.remove(op)) {
			this.ops.add(new Op(op.id(), op.pattern(), op.process(), op.type(), op.key(), op.invoke(), op.complete(),
					op.status(), value, op.detail()));
		}
	}

	/** A plain GET outside the history (collecting results). */
	String get(AppProcess app, String path) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(app.url() + path))
			.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException(path + ": HTTP " + response.statusCode());
		}
		return response.body();
	}

	List<Op> ops() {
		List<Op> ops = new ArrayList<>(this.ops);
		ops.sort(Comparator.comparingLong(Op::invoke).thenComparingLong(Op::id));
		return ops;
	}

	int size() {
		return this.ops.size();
	}

	record Reply(Op op, String setCookie) {
	}

}
