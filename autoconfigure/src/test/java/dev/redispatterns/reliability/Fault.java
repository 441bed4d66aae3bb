package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One fault of the fault-injection suite: how it is injected and healed, how long the application works
 * through it, and what the application must show for the fault to have reached it.
 *
 * @param name short name, the first column of the report
 * @param how how the fault is produced, for the report
 * @param expectation the minimum visible effect, so a fault that silently did nothing fails the test
 * @param window how long the application keeps working while the fault lasts
 * @param injection starts and ends the fault
 */
record Fault(String name, String how, Expectation expectation, Duration window, Injection injection) {

	/** What must be seen for the fault to count as injected. */
	enum Expectation {

		/** No error, no fallback, nothing: the fault is absorbed (e.g. scripts reloaded). */
		TRANSPARENT,

		/** Slower, but nine operations in ten behave as without the fault. */
		SLOWER,

		/** Redis cannot serve: rate-limit decisions fall back to fail-open / fail-closed. */
		DEGRADED,

		/** Reads still work (cache hits from Redis) while writes are refused. */
		WRITES_REFUSED,

		/** Short interruptions that clients may or may not notice; only the invariants are checked. */
		BLIP

	}

	/** Starts and ends a fault. */
	interface Injection {

		void inject();

		void heal();

		static Injection of(Runnable inject, Runnable heal) {
			return new Injection() {

				@Override
				public void inject() {
					inject.run();
				}

				@Override
				public void heal() {
					heal.run();
				}

			};
		}

		/** Repeats {@code action} every {@code period} until healed. */
		static Injection repeating(Duration period, Runnable action) {
			AtomicBoolean running = new AtomicBoolean();
			Thread[] thread = new Thread[1];
			return of(() -> {
				running.set(true);
				thread[0] = new Thread(() -> {
					while (running.get()) {
						action.run();
						PatternLoad.sleep(period.toMillis());
					}
				}, "fault-injector");
				thread[0].start();
			}, () -> {
				running.set(false);
				try {
					thread[0].join(10_000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
		}

	}

}
