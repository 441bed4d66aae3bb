package dev.redispatterns.observability;

import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.redispatterns.session.SessionListener;

/**
 * Micrometer meters for sessions. No meter carries a session id or a user name.
 * <ul>
 * <li>{@value #ACTIVE} (gauge): live sessions in Redis, the same cluster-wide figure on every instance
 * (use max, not sum, across instances); read at most every 15 seconds.</li>
 * <li>{@value #CREATIONS}: sessions created by this instance.</li>
 * <li>{@value #EXPIRATIONS}: sessions that expired, counted once across instances (needs session
 * events).</li>
 * <li>{@value #REVOCATIONS}, tag {@code reason} ({@code invalidated}, {@code revoked}, {@code everywhere},
 * {@code limit}): sessions ended before they expired.</li>
 * <li>{@value #REFUSALS}, tag {@code reason} ({@code type_not_allowed}, {@code corrupt}, {@code incomplete},
 * {@code limit}, {@code not_authentic}): stored sessions or attributes ignored and sign-ins refused.</li>
 * </ul>
 */
public class SessionMetrics implements SessionListener {

	public static final String ACTIVE = "redis.patterns.session.active";

	public static final String CREATIONS = "redis.patterns.session.creations";

	public static final String EXPIRATIONS = "redis.patterns.session.expirations";

	public static final String REVOCATIONS = "redis.patterns.session.revocations";

	public static final String REFUSALS = "redis.patterns.session.refusals";

	private static final long ACTIVE_REFRESH_NANOS = 15_000_000_000L;

	private final Counter creations;

	private final Counter expirations;

	private final Map<Revocation, Counter> revocations = new EnumMap<>(Revocation.class);

	private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);

	private final Supplier<OptionalLong> activeSessions;

	private volatile double active = Double.NaN;

	private volatile long activeReadAt;

	/**
	 * @param registry where the meters go
	 * @param activeSessions counts live sessions (a Redis round trip); empty when unknown
	 */
	public SessionMetrics(MeterRegistry registry, Supplier<OptionalLong> activeSessions) {
		this.activeSessions = activeSessions;
		this.activeReadAt = System.nanoTime() - ACTIVE_REFRESH_NANOS;
		this.creations = Counter.builder(CREATIONS).description("Sessions created").register(registry);
		this.expirations = Counter.builder(EXPIRATIONS).description("Sessions that expired").register(registry);
		for (Revocation reason : Revocation.values()) {
			this.revocations.put(reason, Counter.builder(REVOCATIONS)
				.description("Sessions ended before they expired")
				.tag("reason", reason.tag())
				.register(registry));
		}
		for (Refusal reason : Refusal.values()) {
			this.refusals.put(reason, Counter.builder(REFUSALS)
				.description("Stored sessions ignored and sign-ins refused")
				.tag("reason", reason.tag())
				.register(registry));
		}
		Gauge.builder(ACTIVE, this, SessionMetrics::readActive)
			.description("Live sessions in Redis, across all instances")
			.register(registry);
	}

	@Override
	public void onSessionCreated() {
		this.creations.increment();
	}

	@Override
	public void onSessionExpired() {
		this.expirations.increment();
	}

	@Override
	public void onSessionsRevoked(Revocation reason, int count) {
		this.revocations.get(reason).increment(count);
	}

	@Override
	public void onSessionRefused(Refusal reason) {
		this.refusals.get(reason).increment();
	}

	private double readActive() {
		long now = System.nanoTime();
		if (now - this.activeReadAt >= ACTIVE_REFRESH_NANOS) {
			this.activeReadAt = now;
			try {
				OptionalLong count = this.activeSessions.get();
				this.active = count.isPresent() ? count.getAsLong() : Double.NaN;
			}
			catch (RuntimeException ex) {
				this.active = Double.NaN;
			}
		}
		return this.active;
	}

}
