package dev.redispatterns.consistency.driver;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.redispatterns.consistency.history.Event;

/**
 * The source of truth the applications share, run inside the driver so that no Redis fault reaches it and
 * every event is stamped on the driver's clock, under one lock (a total order): versioned cache sources and
 * one fenced register per lock.
 */
final class DatabaseServer implements AutoCloseable {

	private final RunClock clock;

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(16, (task) -> {
		Thread thread = new Thread(task, "database");
		thread.setDaemon(true);
		return thread;
	});

	private final List<Event> events = new ArrayList<>();

	private final Map<String, Long> versions = new HashMap<>();

	private final Map<String, Long> claims = new HashMap<>();

	DatabaseServer(RunClock clock) {
		this.clock = clock;
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	synchronized List<Event> events() {
		return List.copyOf(this.events);
	}

	private void handle(HttpExchange exchange) throws IOException {
		Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
		String answer;
		try {
			answer = answer(exchange.getRequestURI().getPath(), query);
		}
		catch (RuntimeException ex) {
			respond(exchange, 400, String.valueOf(ex.getMessage()));
			return;
		}
		respond(exchange, 200, answer);
	}

	private synchronized String answer(String path, Map<String, String> query) {
		long time = this.clock.now();
		String process = query.getOrDefault("p", "?");
		long op = Long.parseLong(query.getOrDefault("op", "-1"));
		switch (path) {
			case "/src/read" -> {
				String key = query.get("k");
				long version = this.versions.getOrDefault(key, 0L);
				this.events.add(new Event(time, "load", key, version, process, op, true));
				return Long.toString(version);
			}
			case "/src/bump" -> {
				String key = query.get("k");
				long version = this.versions.merge(key, 1L, Long::sum);
				this.events.add(new Event(time, "bump", key, version, process, op, true));
				return Long.toString(version);
			}
			case "/fence/claim" -> {
				String lock = query.get("l");
				long token = Long.parseLong(query.get("t"));
				Long last = this.claims.get(lock);
				boolean accepted = last == null || token > last;
				if (accepted) {
					this.claims.put(lock, token);
				}
				this.events.add(new Event(time, "claim", lock, token, process, op, accepted));
				return accepted ? "accepted" : "refused";
			}
			case "/fence/write" -> {
				String lock = query.get("l");
				long token = Long.parseLong(query.get("t"));
				boolean accepted = Long.valueOf(token).equals(this.claims.get(lock));
				this.events.add(new Event(time, "write", lock, token, process, op, accepted));
				return accepted ? "accepted" : "refused";
			}
			case "/fence/exit" -> {
				String lock = query.get("l");
				long token = Long.parseLong(query.get("t"));
				boolean lost = Boolean.parseBoolean(query.get("lost"));
				this.events.add(new Event(time, "exit", lock, token, process, op, lost));
				return "ok";
			}
			default -> throw new IllegalArgumentException("unknown " + path);
		}
	}

	private static Map<String, String> query(String raw) {
		Map<String, String> query = new HashMap<>();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				int eq = pair.indexOf('=');
				if (eq > 0) {
					query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
				}
			}
		}
		return query;
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
