package dev.redispatterns.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.internal.BackgroundWork;
import dev.redispatterns.core.internal.StartPhase;

/**
 * Ends the starter's background work, then closes its own connections when the context closes, in the
 * lifecycle phase just before the
 * connection factory's: the factory shuts Lettuce's client down when it stops, and a connection closed
 * after that (as plain bean destruction would) makes Lettuce log "Connection is already closed". Every
 * other lifecycle bean (web server, listeners, write-behind flushes) has stopped by then. A plain
 * {@code stop()} of a running context closes nothing, so a later {@code start()} finds the connections.
 * <p>
 * Background work in flight (refresh-ahead recomputations) finishes first, within Spring Boot's
 * {@code spring.lifecycle.timeout-per-shutdown-phase}, so it can still store its result.
 */
final class ConnectionsShutdown implements SmartLifecycle, ApplicationListener<ContextClosedEvent> {

	private final RedisConnectionFactory connectionFactory;

	private final List<DisposableBean> holders;

	private final Supplier<List<BackgroundWork>> work;

	private final Duration timeout;

	private volatile boolean running;

	private volatile boolean closing;

	ConnectionsShutdown(RedisConnectionFactory connectionFactory, List<DisposableBean> holders,
			Supplier<List<BackgroundWork>> work, Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.holders = holders;
		this.work = work;
		this.timeout = timeout;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		this.closing = true;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (!this.closing) {
			return;
		}
		long deadline = System.nanoTime() + this.timeout.toNanos();
		for (BackgroundWork work : this.work.get()) {
			work.finish(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		}
		for (DisposableBean holder : this.holders) {
			try {
				holder.destroy();
			}
			catch (Exception ex) {
				// destroyed again with the bean, where a failure is reported
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return StartPhase.after(this.connectionFactory);
	}

}
