package dev.redispatterns.benchmarks.harness;

import java.time.Duration;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;

/**
 * The starter's core objects as its auto-configuration creates them for one application instance: a
 * Spring Data Redis connection factory (shared native connection), the {@link RedisConnector} on it, one
 * {@link ScriptExecutor}, one {@link RedisSignals} pub/sub connection and key prefix {@code rp}. The
 * engines under test are built on these without Spring; {@link #close()} releases everything.
 */
public final class StarterCore implements AutoCloseable {

	/** How long an idle signal channel stays subscribed (the starter's default). */
	static final Duration SIGNAL_LINGER = Duration.ofSeconds(30);

	private final LettuceConnectionFactory factory;

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final RedisKeys keys = new RedisKeys("rp");

	private RedisSignals signals;

	public StarterCore(CellContext context) {
		this(context.host(), context.port());
	}

	public StarterCore(String host, int port) {
		this.factory = Clients.springConnectionFactory(host, port);
		this.connector = new RedisConnector(this.factory, Clients.COMMAND_TIMEOUT);
		this.scripts = new ScriptExecutor(this.connector);
	}

	public RedisConnector connector() {
		return this.connector;
	}

	public ScriptExecutor scripts() {
		return this.scripts;
	}

	public RedisKeys keys() {
		return this.keys;
	}

	/** The pub/sub connection for wake-ups and invalidations, opened on first use. */
	public synchronized RedisSignals signals() {
		if (this.signals == null) {
			this.signals = new RedisSignals(this.connector, SIGNAL_LINGER);
		}
		return this.signals;
	}

	@Override
	public synchronized void close() {
		if (this.signals != null) {
			this.signals.destroy();
		}
		this.connector.destroy();
		this.factory.destroy();
	}

}
