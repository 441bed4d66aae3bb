package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One failover under continuous load, measured the way {@link FaultInjectionTests} measures faults: the
 * patterns' loads run before, during and after the failover; each operation is checked against the
 * pattern's documented behaviour and time bound; the run measures, per pattern, when operations first
 * failed and from when on they worked again (both from the moment the failover was started), and checks
 * that every pattern works normally once the topology has settled.
 */
final class FailoverRun {

	/** Longest time the topology may take to settle after the failover was started. */
	static final Duration SETTLE_BOUND = Duration.ofSeconds(40);

	/** How long the load keeps running after the topology settled: the interruption's end must show. */
	static final Duration AFTERWARDS = Duration.ofSeconds(2);

	private static final Duration RECOVERY_BOUND = Duration.ofSeconds(20);

	private final String name;

	private final List<PatternLoad> loads;

	private final Map<PatternLoad, Observations> observed = new LinkedHashMap<>();

	private final Map<PatternLoad, Observations.@Nullable Interruption> interruptions = new LinkedHashMap<>();

	private long started;

	private long settled;

	FailoverRun(String name, List<PatternLoad> loads) {
		this.name = name;
		this.loads = loads;
		loads.forEach((load) -> this.observed.put(load, new Observations().withTimeline()));
	}

	/**
	 * Runs the loads, calls {@code prepare} (Redis healthy: e.g. wait for the replicas), starts the
	 * failover with {@code inject} and keeps the loads running until {@code settled} holds and then for
	 * {@link #AFTERWARDS}.
	 */
	void run(Runnable prepare, Runnable inject, BooleanSupplier settled) throws Exception {
		for (PatternLoad load : this.loads) {
			load.before();
		}
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService workers = Executors.newCachedThreadPool();
		try {
			List<CompletableFuture<Void>> tasks = new ArrayList<>();
			for (PatternLoad load : this.loads) {
				for (int i = 0; i < load.threads(); i++) {
					tasks.add(CompletableFuture.runAsync(() -> {
						while (running.get()) {
							load.once(this.observed.get(load));
						}
					}, workers));
				}
			}
			try {
				PatternLoad.sleep(500);
				prepare.run();
				this.started = System.nanoTime();
				inject.run();
				long deadline = this.started + SETTLE_BOUND.toNanos();
				while (!settled.getAsBoolean()) {
					assertThat(System.nanoTime() - deadline).as(this.name + ": topology settled within " + SETTLE_BOUND)
						.isNegative();
					PatternLoad.sleep(50);
				}
				this.settled = System.nanoTime();
				PatternLoad.sleep(AFTERWARDS.toMillis());
			}
			finally {
				running.set(false);
				CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			}
			for (PatternLoad load : this.loads) {
				Observations observations = this.observed.get(load);
				if (load instanceof PatternLoad.Stream stream) {
					stream.tolerateLoss(this.started, this.settled);
				}
				this.interruptions.put(load, observations.interruption(this.started, PatternLoad::degraded));
				if (!recovers(load)) {
					observations.violation("did not work normally within " + RECOVERY_BOUND.toSeconds()
							+ " s of the topology settling");
				}
				load.verifyAfter(observations, RECOVERY_BOUND);
			}
		}
		finally {
			workers.shutdownNow();
		}
	}

	private static boolean recovers(PatternLoad load) {
		long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				if (load.recovered()) {
					return true;
				}
			}
			catch (RuntimeException ex) {
				// not yet
			}
			PatternLoad.sleep(20);
		}
		return false;
	}

	/** Adds this run's rows to {@code table}. */
	void report(FailoverReport.Table table) {
		this.observed.forEach((load, observations) -> table.row(this.name, load.name(), observations,
				this.interruptions.get(load)));
	}

	/** Fails the test on any broken promise; checks that every pattern kept working. */
	void verify() {
		List<String> violations = new ArrayList<>();
		this.observed.forEach((load, observations) -> observations.violations()
			.forEach((violation) -> violations.add(load.name() + ": " + violation)));
		assertThat(violations).as("broken promises during " + this.name).isEmpty();
		this.observed.forEach((load, observations) -> assertThat(observations.operations())
			.as(load.name() + " kept working during " + this.name)
			.isPositive());
	}

	/** When the failover was started ({@link System#nanoTime()}). */
	long started() {
		return this.started;
	}

	/** Time from the start of the failover until the topology settled. */
	Duration settledAfter() {
		return Duration.ofNanos(this.settled - this.started);
	}

	Observations observations(PatternLoad load) {
		return this.observed.get(load);
	}

	Observations.@Nullable Interruption interruption(PatternLoad load) {
		return this.interruptions.get(load);
	}

}
