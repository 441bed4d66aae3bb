package dev.redispatterns.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Closes the starter's own connections when the context closes, in the lifecycle phase just before the
 * connection factory's: the factory shuts Lettuce's client down when it stops, and a connection closed
 * after that (as plain bean destruction would) makes Lettuce log "Connection is already closed". Every
 * other lifecycle bean (web server, listeners, write-behind flushes) has stopped by then. A plain
 * {@code stop()} of a running context closes nothing, so a later {@code start()} finds the connections.
 */
final class ConnectionsShutdown implements SmartLifecycle, ApplicationListener<ContextClosedEvent> {

	private final LettuceConnectionFactory connectionFactory;

	private final List<DisposableBean> holders;

	private volatile boolean running;

	private volatile boolean closing;

	ConnectionsShutdown(LettuceConnectionFactory connectionFactory, List<DisposableBean> holders) {
		this.connectionFactory = connectionFactory;
		this.holders = holders;
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
		int phase = this.connectionFactory.getPhase();
		return (phase == Integer.MAX_VALUE) ? phase : phase + 1;
	}

}
