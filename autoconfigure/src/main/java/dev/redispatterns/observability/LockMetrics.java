package dev.redispatterns.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.function.SingletonSupplier;

import dev.redispatterns.lock.LockListener;
import dev.redispatterns.lock.LockType;
import dev.redispatterns.lock.RedisLockManager;

/**
 * Micrometer meters of the distributed locks. Tags: {@code name} (the bounded lock name of the annotation
 * or {@link dev.redispatterns.lock.LockRequest#metricName()}, never an evaluated key), {@code type}
 * ({@code exclusive}, {@code read}, {@code write}, {@code permit}) and, where it applies, {@code outcome}.
 */
public final class LockMetrics implements LockListener {

	/** Counter of acquisitions by outcome: {@code acquired}, {@code timeout}, {@code unavailable}, {@code replicas}, {@code interrupted}. */
	public static final String ACQUISITIONS = "redis.patterns.lock.acquisitions";

	/** Timer of the time spent acquiring (waiting included), by outcome. */
	public static final String WAIT = "redis.patterns.lock.wait";

	/** Timer of the time locks were held, from acquisition to release. */
	public static final String HELD = "redis.patterns.lock.held";

	/** Counter of watchdog renewals by outcome: {@code renewed} or {@code failed} (Redis unreachable). */
	public static final String RENEWALS = "redis.patterns.lock.renewals";

	/** Counter of held locks found lost (taken over, deleted, or the lease ran out unrenewed). */
	public static final String LOST = "redis.patterns.lock.lost";

	/** Counter of releases Redis did not confirm; those locks free themselves when their lease runs out. */
	public static final String RELEASE_FAILURES = "redis.patterns.lock.release.failures";

	/** Gauge of the locks this instance holds now (see {@link #bindActive}). */
	public static final String ACTIVE = "redis.patterns.lock.active";

	/**
	 * Registers the {@link #ACTIVE} gauge, read from {@code locks} whenever the registry samples it.
	 * @param locks the lock manager, looked up at sampling time; absent counts as none held
	 */
	public static void bindActive(MeterRegistry registry, Supplier<@Nullable RedisLockManager> locks) {
		Gauge.builder(ACTIVE, locks, (manager) -> {
			RedisLockManager current = manager.get();
			return (current != null) ? current.heldCount() : 0;
		}).description("Locks this instance holds now").strongReference(true).register(registry);
	}

	private final SingletonSupplier<@Nullable MeterRegistry> registry;

	/**
	 * Meters per lock name, in slots by meter, type and outcome: one map look-up by the name (whose hash
	 * the string caches) per event, no key object to allocate and compare on the hot path.
	 */
	private final Map<String, AtomicReferenceArray<@Nullable Meter>> meters = new ConcurrentHashMap<>();

	private static final List<String> METERS = List.of(ACQUISITIONS, WAIT, HELD, RENEWALS, LOST, RELEASE_FAILURES);

	private static final List<@Nullable String> OUTCOMES;

	static {
		List<@Nullable String> outcomes = new ArrayList<>();
		outcomes.add(null);
		for (Outcome outcome : Outcome.values()) {
			outcomes.add(outcome.id());
		}
		outcomes.add("renewed");
		outcomes.add("failed");
		OUTCOMES = outcomes;
	}

	private static final int SLOTS = METERS.size() * LockType.values().length * OUTCOMES.size();

	public LockMetrics(MeterRegistry registry) {
		this(() -> registry);
	}

	/**
	 * @param registry looked up at the first event, so the meter registry need not exist yet when the
	 * lock manager is created; {@code null} records nothing
	 */
	public LockMetrics(Supplier<@Nullable MeterRegistry> registry) {
		this.registry = SingletonSupplier.ofNullable(registry);
	}

	@Override
	public void onAcquisition(String name, LockType type, Outcome outcome, long waitNanos) {
		Counter counter = meter(ACQUISITIONS, name, type, outcome.id());
		if (counter != null) {
			counter.increment();
			this.<Timer>meter(WAIT, name, type, outcome.id()).record(waitNanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void onReleased(String name, LockType type, long heldNanos) {
		Timer timer = meter(HELD, name, type, null);
		if (timer != null) {
			timer.record(heldNanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void onReleaseFailed(String name, LockType type, Throwable failure) {
		increment(RELEASE_FAILURES, name, type, null);
	}

	@Override
	public void onRenewed(String name, LockType type) {
		increment(RENEWALS, name, type, "renewed");
	}

	@Override
	public void onRenewalFailed(String name, LockType type, Throwable failure) {
		increment(RENEWALS, name, type, "failed");
	}

	@Override
	public void onLost(String name, LockType type) {
		increment(LOST, name, type, null);
	}

	private void increment(String meter, String name, LockType type, @Nullable String outcome) {
		Counter counter = meter(meter, name, type, outcome);
		if (counter != null) {
			counter.increment();
		}
	}

	@SuppressWarnings("unchecked")
	private <M extends Meter> @Nullable M meter(String meter, String name, LockType type, @Nullable String outcome) {
		MeterRegistry current = this.registry.get();
		if (current == null) {
			return null;
		}
		AtomicReferenceArray<@Nullable Meter> slots = this.meters.get(name);
		if (slots == null) {
			slots = this.meters.computeIfAbsent(name, (key) -> new AtomicReferenceArray<>(SLOTS));
		}
		int slot = (METERS.indexOf(meter) * LockType.values().length + type.ordinal()) * OUTCOMES.size()
				+ OUTCOMES.indexOf(outcome);
		Meter found = slots.get(slot);
		if (found == null) {
			// registering twice returns the same meter
			found = new MeterKey(meter, name, type, outcome).register(current);
			slots.set(slot, found);
		}
		return (M) found;
	}

	private record MeterKey(String meter, String name, LockType type, @Nullable String outcome) {

		Meter register(MeterRegistry registry) {
			if (this.meter.equals(WAIT) || this.meter.equals(HELD)) {
				Timer.Builder timer = Timer.builder(this.meter)
					.description(this.meter.equals(WAIT) ? "Time spent acquiring distributed locks"
							: "Time distributed locks were held")
					.tag("name", this.name)
					.tag("type", this.type.id())
					.minimumExpectedValue(Duration.ofMillis(1));
				if (this.outcome != null) {
					timer.tag("outcome", this.outcome);
				}
				return timer.register(registry);
			}
			Counter.Builder counter = Counter.builder(this.meter).tag("name", this.name).tag("type", this.type.id());
			if (this.outcome != null) {
				counter.tag("outcome", this.outcome);
			}
			return counter.register(registry);
		}

	}

}
