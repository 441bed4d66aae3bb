package dev.redispatterns.autoconfigure.ratelimit;

import java.time.Duration;
import java.util.List;

import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitListener;

/**
 * Every {@link RateLimitListener} bean, in order.
 */
final class CompositeRateLimitListener implements RateLimitListener {

	private final RateLimitListener[] listeners;

	CompositeRateLimitListener(List<RateLimitListener> listeners) {
		this.listeners = listeners.toArray(new RateLimitListener[0]);
	}

	@Override
	public void onDecision(RateLimitDecision decision, long nanos) {
		for (RateLimitListener listener : this.listeners) {
			listener.onDecision(decision, nanos);
		}
	}

	@Override
	public void onDegraded(RedisUnavailableException cause) {
		for (RateLimitListener listener : this.listeners) {
			listener.onDegraded(cause);
		}
	}

	@Override
	public void onRecovered(Duration degradedFor) {
		for (RateLimitListener listener : this.listeners) {
			listener.onRecovered(degradedFor);
		}
	}

}
