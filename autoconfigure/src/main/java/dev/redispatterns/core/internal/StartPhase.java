package dev.redispatterns.core.internal;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The lifecycle phase of the starter's background work: just after the connection factory's, so it
 * starts once the factory has (and before the web server takes traffic), and the connections it uses
 * close after it.
 */
public final class StartPhase {

	private StartPhase() {
	}

	/** The phase following {@code connectionFactory}'s ({@link SmartLifecycle#DEFAULT_PHASE} when it has none). */
	public static int after(RedisConnectionFactory connectionFactory) {
		int phase = (connectionFactory instanceof SmartLifecycle lifecycle) ? lifecycle.getPhase()
				: SmartLifecycle.DEFAULT_PHASE;
		return (phase == Integer.MAX_VALUE) ? phase : phase + 1;
	}

}
