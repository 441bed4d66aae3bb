package dev.redispatterns.consistency.app;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Whether this JVM runs the deliberately broken variants (the self-check), and the settings they use. Each
 * controller asks this bean instead of reading the flag itself, so the broken variants are easy to find:
 * <ul>
 * <li>cache: an evict that writes the old value back shortly after it returned (a load storing after an
 * evict);</li>
 * <li>rate limit: a fixed window counted on the client's clock, which is skewed per JVM;</li>
 * <li>lock: a release that deletes the lock key without checking the owner;</li>
 * <li>stream: a publisher that trims the stream to a few entries, below what the group has read;</li>
 * <li>queue: a listener that returns (acknowledges) before it handles the job;</li>
 * <li>session: a per-JVM cache of accepted sessions that outlives "sign out everywhere".</li>
 * </ul>
 */
@Component
public class Broken {

	private final boolean enabled;

	private final long clockSkewMillis;

	public Broken(@Value("${consistency.broken:false}") boolean enabled,
			@Value("${consistency.clock-skew-ms:0}") long clockSkewMillis) {
		this.enabled = enabled;
		this.clockSkewMillis = clockSkewMillis;
	}

	public boolean enabled() {
		return this.enabled;
	}

	/** Offset of this JVM's clock in the broken rate limiter. */
	public long clockSkewMillis() {
		return this.clockSkewMillis;
	}

}
