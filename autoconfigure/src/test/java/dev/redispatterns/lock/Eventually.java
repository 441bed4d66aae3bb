package dev.redispatterns.lock;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Waits for a condition with a deadline instead of sleeping and hoping. */
final class Eventually {

	private Eventually() {
	}

	static void await(String what, Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				assertThat(condition.getAsBoolean()).as(what + " within " + timeout).isTrue();
				return;
			}
			sleep(10);
		}
	}

	/** Checks that a condition holds at every probe for the whole duration. */
	static void holdsFor(String what, Duration duration, BooleanSupplier condition) {
		long end = System.nanoTime() + duration.toNanos();
		while (System.nanoTime() < end) {
			assertThat(condition.getAsBoolean()).as(what).isTrue();
			sleep(50);
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
