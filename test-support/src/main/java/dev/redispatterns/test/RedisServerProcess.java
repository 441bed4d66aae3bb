package dev.redispatterns.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} process on a free loopback port, with nothing persisted to disk. Tests can
 * stop, restart (same port), kill, pause and resume it to simulate outages.
 */
public final class RedisServerProcess implements RedisDeployment, AutoCloseable {

	private static final Set<RedisServerProcess> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(RedisServerProcess::destroyLeftovers, "redis-test-harness-shutdown"));
	}

	/**
	 * Kills servers nobody stopped. Shutdown hooks run concurrently, so an application that is still
	 * closing (and flushing to its Redis) first gets a few seconds to stop its server itself.
	 */
	private static void destroyLeftovers() {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!RUNNING.isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		RUNNING.forEach(RedisServerProcess::destroyQuietly);
	}

	private final List<String> extraArgs;

	private final String config;

	private final Path directory;

	private int port;

	private Process process;

	private RedisServerProcess(String config, List<String> extraArgs) {
		this.config = config;
		this.extraArgs = List.copyOf(extraArgs);
		try {
			this.directory = Files.createTempDirectory("redis-test-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Starts a standalone server on a free port. */
	public static RedisServerProcess start(String... extraArgs) {
		RedisServerProcess server = new RedisServerProcess(null, List.of(extraArgs));
		server.startOnFreePort();
		return server;
	}

	/**
	 * Starts a server from a configuration file with the given content (written to the server's own
	 * directory, where Sentinel may rewrite it) plus command-line arguments.
	 */
	public static RedisServerProcess startWithConfig(String config, String... extraArgs) {
		RedisServerProcess server = new RedisServerProcess(config, List.of(extraArgs));
		server.startOnFreePort();
		return server;
	}

	/** The {@code redis-server} executable: {@code -Dredis.server=...}, {@code $REDIS_SERVER} or the PATH. */
	public static String executable() {
		String configured = System.getProperty("redis.server", System.getenv("REDIS_SERVER"));
		return (configured != null && !configured.isBlank()) ? configured : "redis-server";
	}

	/** Whether a {@code redis-server} executable can be run on this machine. */
	public static boolean isAvailable() {
		try {
			Process probe = new ProcessBuilder(executable(), "--version").redirectErrorStream(true).start();
			probe.getInputStream().readAllBytes();
			return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void startOnFreePort() {
		IllegalStateException last = null;
		for (int attempt = 0; attempt < 5; attempt++) {
			this.port = PortFinder.freePort();
			try {
				launch();
				return;
			}
			catch (IllegalStateException ex) {
				last = ex;
			}
		}
		throw last;
	}

	private void launch() {
		List<String> command = new ArrayList<>();
		command.add(executable());
		if (this.config != null) {
			Path configFile = this.directory.resolve("redis.conf");
			try {
				if (!Files.exists(configFile)) {
					Files.writeString(configFile, this.config);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			command.add(configFile.toString());
		}
		command.addAll(List.of("--port", Integer.toString(this.port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.directory.toString(), "--logfile",
				logFile().toString(), "--daemonize", "no"));
		command.addAll(this.extraArgs);
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("stdout.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start " + executable()
					+ " (install redis-server or set -Dredis.server=/path/to/redis-server)", ex);
		}
		RUNNING.add(this);
		awaitReady();
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				RUNNING.remove(this);
				throw new IllegalStateException("redis-server exited on port " + this.port + ": " + logTail());
			}
			try (RespClient client = new RespClient(host(), this.port, 500)) {
				// a process outside this harness may have bound the port first: ours then exits, see above
				if ("PONG".equals(client.string("PING"))
						&& client.string("INFO", "server").contains("process_id:" + this.process.pid() + "\r\n")) {
					return;
				}
			}
			catch (RuntimeException ex) {
				// not accepting connections yet, or still loading
			}
			sleep(20);
		}
		destroyQuietly();
		throw new IllegalStateException("redis-server did not answer PING on port " + this.port + ": " + logTail());
	}

	/** Stops the server with {@code SHUTDOWN NOSAVE}; {@link #restart()} brings it back on the same port. */
	public void stop() {
		if (this.process == null || !this.process.isAlive()) {
			return;
		}
		try (RespClient client = new RespClient(host(), this.port, 2000)) {
			client.command("SHUTDOWN", "NOSAVE");
		}
		catch (RuntimeException ex) {
			// the connection drops as the server exits
		}
		waitForExit();
	}

	/** Kills the process at once ({@code SIGKILL}), as a crash would. */
	public void kill() {
		if (this.process != null) {
			this.process.destroyForcibly();
			waitForExit();
		}
	}

	/** Starts the server again on the same port after {@link #stop()} or {@link #kill()}. */
	public void restart() {
		stop();
		launch();
	}

	/** Freezes the process ({@code SIGSTOP}): connections stay open but nothing answers. */
	public void pause() {
		signal("STOP");
	}

	/** Thaws a process frozen by {@link #pause()}. */
	public void resume() {
		signal("CONT");
	}

	public boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	public long pid() {
		return this.process.pid();
	}

	private void signal(String name) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(this.process.pid())).start();
			kill.waitFor(5, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void waitForExit() {
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		RUNNING.remove(this);
	}

	private void destroyQuietly() {
		if (this.process != null) {
			this.process.destroyForcibly();
		}
	}

	private Path logFile() {
		return this.directory.resolve("redis.log");
	}

	/** Last lines of the server log, for failure messages. */
	public String logTail() {
		try {
			Path log = Files.exists(logFile()) ? logFile() : this.directory.resolve("stdout.log");
			List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	@Override
	public Topology topology() {
		return Topology.STANDALONE;
	}

	@Override
	public String host() {
		return "127.0.0.1";
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public List<String> nodes() {
		return List.of(host() + ":" + this.port);
	}

	@Override
	public String[] springProperties() {
		return TestClient.current()
			.withClientType("spring.data.redis.host=" + host(), "spring.data.redis.port=" + this.port);
	}

	@Override
	public void flushAll() {
		command("FLUSHALL");
	}

	@Override
	public List<Object> onEveryMaster(Object... args) {
		return List.of(command(args));
	}

	@Override
	public void close() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroyForcibly();
			waitForExit();
		}
		deleteDirectory();
	}

	private void deleteDirectory() {
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// temp files are cleaned by the OS eventually
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	@Override
	public String toString() {
		return "redis-server 127.0.0.1:" + this.port;
	}

}
