package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.List;

import dev.redispatterns.reliability.Fault.Expectation;
import dev.redispatterns.reliability.Fault.Injection;
import dev.redispatterns.test.FaultyProxy;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RespClient;

/**
 * The faults the suite and the soak test inject: network faults through a {@link FaultyProxy} in front of
 * the server, and server faults on the {@link RedisServerProcess} itself (which must run with
 * {@code --enable-debug-command local}, and with {@code appendonly yes} for the crash to lose nothing).
 */
final class FaultCatalogue {

	private final RedisServerProcess redis;

	private final FaultyProxy proxy;

	FaultCatalogue(RedisServerProcess redis, FaultyProxy proxy) {
		this.redis = redis;
		this.proxy = proxy;
	}

	/** The server arguments the catalogue needs. */
	static RedisServerProcess startServer() {
		return RedisServerProcess.start("--enable-debug-command", "local", "--appendonly", "yes", "--appendfsync",
				"always");
	}

	/** Every fault, each lasting {@code window}. */
	List<Fault> all(Duration window) {
		FaultyProxy proxy = this.proxy;
		return List.of(
				new Fault("latency 50 ms", "the proxy delays every reply by 50 ms", Expectation.SLOWER, window,
						Injection.of(() -> proxy.latency(Duration.ofMillis(50)), proxy::heal)),
				new Fault("latency 1 s", "the proxy delays every reply by 1 s, above every timeout",
						Expectation.DEGRADED, window,
						Injection.of(() -> proxy.latency(Duration.ofSeconds(1)), proxy::heal)),
				new Fault("connections reset", "the proxy resets every connection every 300 ms", Expectation.BLIP,
						window, Injection.repeating(Duration.ofMillis(300), proxy::cut)),
				new Fault("Redis unreachable", "the proxy resets every connection and refuses new ones",
						Expectation.DEGRADED, window, Injection.of(proxy::refuse, proxy::heal)),
				new Fault("black hole", "the proxy keeps connections open (new ones too) but delivers nothing",
						Expectation.DEGRADED, window, Injection.of(proxy::blackHole, proxy::heal)),
				new Fault("CLIENT PAUSE ALL", "`CLIENT PAUSE " + window.toMillis() + " ALL`", Expectation.DEGRADED,
						window, Injection.of(() -> admin("CLIENT", "PAUSE", window.toMillis(), "ALL"), this::awaitPing)),
				new Fault("CLIENT PAUSE WRITE", "`CLIENT PAUSE " + window.toMillis() + " WRITE`",
						Expectation.DEGRADED, window,
						Injection.of(() -> admin("CLIENT", "PAUSE", window.toMillis(), "WRITE"), this::awaitPing)),
				new Fault("DEBUG SLEEP", "`DEBUG SLEEP " + window.toSeconds() + "`: the server is busy",
						Expectation.DEGRADED, window, debugSleep(window)),
				new Fault("server frozen", "`kill -STOP` of redis-server, `kill -CONT` when the fault ends",
						Expectation.DEGRADED, window, Injection.of(this.redis::pause, this.redis::resume)),
				new Fault("CLIENT KILL", "`CLIENT KILL TYPE normal` and `TYPE pubsub` every 300 ms",
						Expectation.BLIP, window, Injection.repeating(Duration.ofMillis(300), () -> {
							admin("CLIENT", "KILL", "TYPE", "normal");
							admin("CLIENT", "KILL", "TYPE", "pubsub");
						})),
				new Fault("SCRIPT FLUSH", "`SCRIPT FLUSH` every 200 ms", Expectation.TRANSPARENT, window,
						Injection.repeating(Duration.ofMillis(200), () -> admin("SCRIPT", "FLUSH"))),
				new Fault("out of memory", "`CONFIG SET maxmemory 1mb` (policy `noeviction`) with 2 MB of other data",
						Expectation.WRITES_REFUSED, window, Injection.of(this::fillMemory, this::freeMemory)),
				new Fault("crash and restart", "`kill -9` of redis-server, started again when the fault ends "
						+ "(`appendonly yes`, `appendfsync always`)", Expectation.DEGRADED, window,
						Injection.of(this.redis::kill, this.redis::restart)));
	}

	/** An administrative command straight to the server, around the proxy. */
	Object admin(Object... command) {
		try (RespClient client = new RespClient(this.redis.host(), this.redis.port(), 10_000)) {
			return client.command(command);
		}
	}

	private void awaitPing() {
		admin("PING");
	}

	private Injection debugSleep(Duration duration) {
		Thread[] sleeper = new Thread[1];
		return Injection.of(() -> {
			sleeper[0] = new Thread(() -> admin("DEBUG", "SLEEP", duration.toSeconds()), "debug-sleep");
			sleeper[0].start();
			PatternLoad.sleep(50);
		}, () -> {
			try {
				sleeper[0].join(30_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
	}

	private void fillMemory() {
		admin("CONFIG", "SET", "maxmemory-policy", "noeviction");
		String filler = "x".repeat(100_000);
		for (int i = 0; i < 20; i++) {
			admin("SET", "filler:" + i, filler);
		}
		admin("CONFIG", "SET", "maxmemory", "1mb");
	}

	private void freeMemory() {
		admin("CONFIG", "SET", "maxmemory", "0");
		for (int i = 0; i < 20; i++) {
			admin("DEL", "filler:" + i);
		}
	}

}
