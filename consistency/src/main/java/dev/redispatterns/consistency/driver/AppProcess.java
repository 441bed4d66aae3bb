package dev.redispatterns.consistency.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One application JVM: started with a small heap, frozen and thawed with signals, killed at the end. */
final class AppProcess {

	private final String name;

	private final int port;

	private final Process process;

	private final Path log;

	private volatile boolean frozen;

	private AppProcess(String name, int port, Process process, Path log) {
		this.name = name;
		this.port = port;
		this.process = process;
		this.log = log;
	}

	static AppProcess start(String name, int port, String classpath, List<String> properties, Path logDirectory) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(List.of("-Xmx256m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
				"-XX:ActiveProcessorCount=2", "-cp", classpath, "dev.redispatterns.consistency.app.ConsistencyApplication",
				"--server.port=" + port, "--consistency.process=" + name));
		properties.forEach((property) -> command.add("--" + property));
		Path log = logDirectory.resolve(name + ".log");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			return new AppProcess(name, port, process, log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String name() {
		return this.name;
	}

	String url() {
		return "http://127.0.0.1:" + this.port;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/** Waits until {@code /ready} answers; false when the JVM died or the deadline passed. */
	boolean awaitReady(long deadlineNanos) {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		while (System.nanoTime() < deadlineNanos) {
			if (!this.process.isAlive()) {
				return false;
			}
			try {
				HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url() + "/ready"))
					.timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					return true;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			sleep(250);
		}
		return false;
	}

	/** {@code SIGSTOP}: a long GC pause as far as anybody else can tell. */
	void freeze() {
		signal("STOP");
		this.frozen = true;
	}

	void thaw() {
		signal("CONT");
		this.frozen = false;
	}

	void destroy() {
		if (this.frozen) {
			thaw();
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	/** The last lines of its log, for reports of a JVM that would not start. */
	String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private void signal(String signal) {
		try {
			new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start().waitFor(5, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
