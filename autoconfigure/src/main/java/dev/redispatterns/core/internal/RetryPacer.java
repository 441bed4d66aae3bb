package dev.redispatterns.core.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsException;

/**
 * The pauses between the attempts of something that failed for a reason expected to pass: each pause twice
 * the one before, up to a cap, and, when the attempts have a time allowed, cut to what is left of it (counted
 * from the first attempt). One instance paces one series of attempts, one attempt at a time.
 * <ul>
 * <li>{@link #tryAgain(Duration)}: a command Redis Cluster refused with {@code TRYAGAIN} (its keys are split
 * between two nodes by a slot migration; nothing ran), from 5 ms to 100 ms within the time allowed for the
 * call. {@link #pauseOrThrow} parks the caller; {@link #retryAsync} schedules the next attempt without
 * blocking a thread.</li>
 * <li>{@link #growing(Duration, Duration)}: a reader waiting out an outage, without end, back to the first
 * pause after a success ({@link #reset()}).</li>
 * </ul>
 */
public final class RetryPacer {

	/** First pause after {@code TRYAGAIN}; doubled after each further refusal, up to {@link #TRY_AGAIN_MAX}. */
	static final Duration TRY_AGAIN_FIRST = Duration.ofMillis(5);

	static final Duration TRY_AGAIN_MAX = Duration.ofMillis(100);

	private final long firstNanos;

	private final long maxNanos;

	private final boolean bounded;

	private final long deadline;

	private long pauseNanos;

	private RetryPacer(Duration first, Duration max, @Nullable Duration within) {
		this.firstNanos = first.toNanos();
		this.maxNanos = max.toNanos();
		this.bounded = within != null;
		this.deadline = (within != null) ? System.nanoTime() + within.toNanos() : 0;
		this.pauseNanos = this.firstNanos;
	}

	/** Paces the retries of one call refused with {@code TRYAGAIN}, for at most {@code within} from now. */
	public static RetryPacer tryAgain(Duration within) {
		return new RetryPacer(TRY_AGAIN_FIRST, TRY_AGAIN_MAX, within);
	}

	/** Pauses from {@code first} up to {@code max}, without a bound on the total. */
	public static RetryPacer growing(Duration first, Duration max) {
		return new RetryPacer(first, max, null);
	}

	/**
	 * The pause before the next attempt, cut to the time left; {@code 0} or less when no time is left. The
	 * pause after it is twice as long, up to the cap.
	 */
	public long nextPauseNanos() {
		long pause = this.bounded ? Math.min(this.pauseNanos, this.deadline - System.nanoTime()) : this.pauseNanos;
		if (pause > 0) {
			this.pauseNanos = Math.min(this.pauseNanos * 2, this.maxNanos);
		}
		return pause;
	}

	/** After a success: the next failure starts again from the first pause. */
	public void reset() {
		this.pauseNanos = this.firstNanos;
	}

	/**
	 * Returns after the pause when the failure is a {@code TRYAGAIN} refusal and time is left for another
	 * attempt; otherwise (or when the thread is interrupted) throws the failure.
	 */
	public void pauseOrThrow(RedisPatternsException failure) {
		long pause = RedisConnector.isTryAgain(failure.getCause()) ? nextPauseNanos() : 0;
		if (pause <= 0) {
			throw failure;
		}
		LockSupport.parkNanos(pause);
		if (Thread.currentThread().isInterrupted()) {
			throw failure;
		}
	}

	/**
	 * Runs {@code attempt}, and again after a pause each time it fails with {@code TRYAGAIN} while time is
	 * left; otherwise the future fails with the {@linkplain RedisConnector#translate translated} failure. The
	 * pauses hold no thread: the next attempt is scheduled.
	 */
	public <T> CompletableFuture<T> retryAsync(Supplier<CompletableFuture<T>> attempt) {
		return attempt.get().exceptionallyCompose((failure) -> {
			Throwable cause = unwrap(failure);
			long pause = RedisConnector.isTryAgain(cause) ? nextPauseNanos() : 0;
			if (pause <= 0) {
				return CompletableFuture.failedFuture(RedisConnector.translate(cause));
			}
			Executor delayed = CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS);
			return CompletableFuture.supplyAsync(() -> null, delayed).thenCompose((ignored) -> retryAsync(attempt));
		});
	}

	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while (current instanceof CompletionException && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
