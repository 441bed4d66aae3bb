package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;
import org.springframework.dao.DataAccessException;

import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockNotAcquiredException;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitOutcome;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.session.RedisPatternsSession;
import dev.redispatterns.session.RedisPatternsSessionRepository;

/**
 * One pattern used by an application while a fault is injected: one operation at a time
 * ({@link #once}), each checked against the pattern's documented failure behaviour and time bound, a
 * probe telling whether the pattern works normally again ({@link #recovered}) and the checks that can
 * only be made once the fault is over ({@link #verifyAfter}).
 */
abstract class PatternLoad {

	/** Margin on every time bound: the test machine is small and shared. */
	static final Duration MARGIN = Duration.ofSeconds(2);

	private static volatile Duration margin = MARGIN;

	private final String name;

	private final int threads;

	PatternLoad(String name, int threads) {
		this.name = name;
		this.threads = threads;
	}

	String name() {
		return this.name;
	}

	/** Sets the margin of loads created from now on (the soak saturates the machine on purpose). */
	static void useMargin(Duration margin) {
		PatternLoad.margin = margin;
	}

	static Duration margin() {
		return margin;
	}

	/** Worker threads running {@link #once} at the same time. */
	int threads() {
		return this.threads;
	}

	/** Prepares the pattern before a fault (Redis is healthy). */
	void before() {
	}

	abstract void once(Observations observations);

	/** Whether the pattern behaves normally again; called repeatedly after the fault ended. */
	abstract boolean recovered();

	/** Checks that hold once the pattern has recovered. */
	void verifyAfter(Observations observations, Duration deadline) {
	}

	/**
	 * Whether an outcome means Redis could not serve the operation (the pattern fell back or failed), as
	 * opposed to working normally; used to time interruptions.
	 */
	static boolean degraded(String outcome) {
		return outcome.contains("failed") || outcome.contains("ERROR_") || outcome.contains("UNAVAILABLE")
				|| outcome.contains("REPLICAS") || outcome.equals("served by the method");
	}

	static String label(Throwable failure) {
		if (failure instanceof LockNotAcquiredException refused) {
			return "LockNotAcquiredException(" + refused.reason() + ")";
		}
		return failure.getClass().getSimpleName();
	}

	/** A {@code @Cacheable} method: always the right value, from Redis or from the method, never an error. */
	static final class Cache extends PatternLoad {

		static final int KEYS = 5;

		private final CatalogService catalog;

		private final Duration bound;

		private final AtomicInteger probes = new AtomicInteger();

		private int next;

		Cache(ApplicationContext context, Duration cacheTimeout) {
			super("cache", 1);
			this.catalog = context.getBean(CatalogService.class);
			// a miss may wait for the read, the lease and the write: three timeouts at most
			this.bound = cacheTimeout.multipliedBy(3).plus(margin());
		}

		@Override
		void before() {
			for (int i = 0; i < KEYS; i++) {
				this.catalog.value("k" + i);
			}
		}

		@Override
		void once(Observations observations) {
			String id = "k" + (this.next++ % KEYS);
			int calls = this.catalog.calls();
			long start = System.nanoTime();
			try {
				String value = this.catalog.value(id);
				observations.took("@Cacheable call", start, this.bound);
				if (!("value-" + id).equals(value)) {
					observations.violation("wrong value " + value + " for " + id);
				}
				observations.outcome((this.catalog.calls() > calls) ? "served by the method" : "served from Redis");
			}
			catch (RuntimeException ex) {
				observations.took("@Cacheable call", start, this.bound);
				observations.outcome("failed");
				observations.error(label(ex));
				observations.violation("a cached method threw " + ex);
			}
			pause();
		}

		@Override
		boolean recovered() {
			String id = "probe-" + this.probes.incrementAndGet();
			this.catalog.value(id);
			int calls = this.catalog.calls();
			this.catalog.value(id);
			return this.catalog.calls() == calls;
		}

	}

	/** Two policies, one failing open and one failing closed; decisions never throw, never hang. */
	static final class RateLimit extends PatternLoad {

		private final RateLimiter limiter;

		private final Duration bound;

		RateLimit(ApplicationContext context, Duration commandTimeout) {
			super("rate limit", 1);
			this.limiter = context.getBean(RateLimiter.class);
			this.bound = commandTimeout.plus(margin());
		}

		@Override
		void once(Observations observations) {
			decide("open", observations, RateLimitOutcome.ERROR_OPEN);
			decide("closed", observations, RateLimitOutcome.ERROR_CLOSED);
			pause();
		}

		private void decide(String policy, Observations observations, RateLimitOutcome degraded) {
			long start = System.nanoTime();
			try {
				RateLimitDecision decision = this.limiter.tryAcquire(policy, "user-1");
				observations.took("rate-limit decision", start, this.bound);
				RateLimitOutcome outcome = decision.outcome();
				observations.outcome(policy + " " + outcome);
				if (outcome != RateLimitOutcome.ALLOWED && outcome != degraded) {
					observations.violation("policy '" + policy + "' decided " + outcome);
				}
				if (outcome == RateLimitOutcome.ERROR_CLOSED) {
					observations.error("RateLimitUnavailableException (closed policy)");
				}
			}
			catch (RuntimeException ex) {
				observations.took("rate-limit decision", start, this.bound);
				observations.error(label(ex));
				observations.violation("a rate-limit decision threw " + ex);
			}
		}

		@Override
		boolean recovered() {
			return this.limiter.tryAcquire("open", "probe").outcome() == RateLimitOutcome.ALLOWED
					&& this.limiter.tryAcquire("closed", "probe").outcome() == RateLimitOutcome.ALLOWED;
		}

	}

	/**
	 * Two workers contend for one lock and write to a store that checks fencing tokens. A lock is either
	 * acquired or refused with {@link LockNotAcquiredException}; no two workers ever hold it at once
	 * while both believe they hold it; every grant carries a higher token than the grants before it.
	 */
	static final class Lock extends PatternLoad {

		static final String NAME = "fault-lock";

		private final LockManager locks;

		private final LockRequest options;

		private final Duration bound;

		private final Set<LockHandle> holders = ConcurrentHashMap.newKeySet();

		private final FencedStore store = new FencedStore();

		private final AtomicLong lastGrant = new AtomicLong();

		private final AtomicInteger overlaps = new AtomicInteger();

		private final AtomicInteger fenced = new AtomicInteger();

		private volatile boolean failover;

		Lock(ApplicationContext context, Duration commandTimeout) {
			super("lock", 2);
			this.locks = context.getBean(LockManager.class);
			this.options = new LockRequest(Duration.ofMillis(200), null, "fault");
			this.bound = this.options.waitTime().plus(commandTimeout).plus(margin());
		}

		@Override
		void once(Observations observations) {
			long start = System.nanoTime();
			LockHandle handle;
			try {
				handle = this.locks.lock(NAME, this.options);
			}
			catch (LockNotAcquiredException ex) {
				observations.took("lock acquisition", start, this.bound);
				observations.outcome("refused (" + ex.reason() + ")");
				if (ex.reason() == LockNotAcquiredException.Reason.UNAVAILABLE) {
					observations.error(label(ex));
				}
				pause();
				return;
			}
			catch (RuntimeException ex) {
				observations.took("lock acquisition", start, this.bound);
				observations.error(label(ex));
				observations.violation("lock acquisition threw " + ex);
				return;
			}
			observations.took("lock acquisition", start, this.bound);
			observations.outcome("acquired");
			hold(handle, observations);
		}

		private void hold(LockHandle handle, Observations observations) {
			long token = handle.fencingToken();
			synchronized (this) {
				for (LockHandle other : this.holders) {
					this.overlaps.incrementAndGet();
					if (other.isHeld() && !this.failover) {
						observations.violation("two holders at once: tokens " + other.fencingToken() + " and " + token);
					}
					if (other.fencingToken() >= token) {
						observations.violation("a later grant got a lower fencing token: " + token + " after "
								+ other.fencingToken());
					}
				}
				long last = this.lastGrant.getAndAccumulate(token, Math::max);
				if (token <= last) {
					observations.violation("fencing token " + token + " not above the previous grant's " + last);
				}
				this.holders.add(handle);
			}
			try {
				write(handle, token, observations);
				sleep(100);
				write(handle, token, observations);
			}
			finally {
				this.holders.remove(handle);
				handle.unlock();
			}
		}

		private void write(LockHandle handle, long token, Observations observations) {
			if (handle.isHeld() && !this.store.write(token)) {
				this.fenced.incrementAndGet();
				if (!this.failover) {
					observations.note("a stale holder's write was fenced off");
				}
			}
		}

		/**
		 * A failover may lose a grant (Redis replicates asynchronously), so two holders at once are the
		 * documented risk here, not a broken promise: they are counted, and the fencing tokens must still
		 * rise and fence off the older holder's writes.
		 */
		Lock duringFailover() {
			this.failover = true;
			return this;
		}

		@Override
		boolean recovered() {
			return this.locks.tryLock("probe-lock", LockRequest.immediate()).map(LockHandle::unlock).orElse(false);
		}

		@Override
		void verifyAfter(Observations observations, Duration deadline) {
			if (this.failover && this.overlaps.get() > 0) {
				observations.note(this.overlaps.get() + " × two holders at once (a grant lost in the failover), "
						+ this.fenced.get() + " stale writes fenced off, fencing tokens increasing");
			}
			else if (this.overlaps.get() > 0) {
				observations.note(this.overlaps.get() + " overlaps, each with a holder whose lease had run out");
			}
			else {
				observations.note("never two holders at once, fencing tokens increasing");
			}
		}

	}

	/** Publishes to a stream read by a consumer group: no entry Redis confirmed is ever lost. */
	static final class Stream extends PatternLoad {

		private final StreamPublisher publisher;

		private final Predicate<String> handled;

		private final Duration bound;

		private final List<String> confirmed = new ArrayList<>();

		private final Map<String, Long> confirmedAt = new ConcurrentHashMap<>();

		private long lossFrom;

		private long lossTo;

		private boolean lossTolerated;

		private final AtomicInteger sequence = new AtomicInteger();

		private final String run;

		private @Nullable String probe;

		Stream(ApplicationContext context, Duration commandTimeout, String run) {
			this(context, commandTimeout, run, context.getBean(StreamRecorder.class)::hasHandled);
		}

		/** {@code handled} tells whether any consumer of the group handled an entry. */
		Stream(ApplicationContext context, Duration commandTimeout, String run, Predicate<String> handled) {
			super("stream", 1);
			this.publisher = context.getBean(StreamPublisher.class);
			this.handled = handled;
			this.bound = commandTimeout.plus(margin());
			this.run = run;
		}

		@Override
		void once(Observations observations) {
			String id = this.run + "-" + this.sequence.incrementAndGet();
			long start = System.nanoTime();
			try {
				this.publisher.publish(StreamRecorder.STREAM, new FaultEvent(id));
				observations.took("stream publish", start, this.bound);
				observations.outcome("published");
				synchronized (this.confirmed) {
					this.confirmed.add(id);
				}
				this.confirmedAt.put(id, System.nanoTime());
			}
			catch (RedisUnavailableException ex) {
				observations.took("stream publish", start, this.bound);
				observations.outcome("publish failed");
				observations.error(label(ex));
			}
			catch (RuntimeException ex) {
				observations.took("stream publish", start, this.bound);
				observations.error(label(ex));
				observations.violation("stream publish threw " + ex);
			}
			pause();
		}

		@Override
		boolean recovered() {
			if (this.probe == null) {
				String id = this.run + "-probe";
				try {
					this.publisher.publish(StreamRecorder.STREAM, new FaultEvent(id));
					this.probe = id;
				}
				catch (RedisUnavailableException ex) {
					return false;
				}
			}
			return this.handled.test(this.probe);
		}

		/**
		 * Entries confirmed between {@code fromNanos} and {@code toNanos} (a failover: writes the old master
		 * confirmed but never replicated) may be lost; they are counted, every other one must arrive.
		 */
		synchronized void tolerateLoss(long fromNanos, long toNanos) {
			this.lossFrom = fromNanos;
			this.lossTo = toNanos;
			this.lossTolerated = true;
		}

		/** Ids of the entries whose publish Redis confirmed. */
		List<String> confirmedIds() {
			synchronized (this.confirmed) {
				return List.copyOf(this.confirmed);
			}
		}

		private synchronized boolean mayBeLost(String id) {
			long at = this.confirmedAt.getOrDefault(id, 0L);
			return this.lossTolerated && at - this.lossFrom >= 0 && this.lossTo - at >= 0;
		}

		@Override
		void verifyAfter(Observations observations, Duration deadline) {
			List<String> ids = confirmedIds();
			long end = System.nanoTime() + deadline.toNanos();
			// entries that may be lost get a short grace only, so a lost one does not hold the test up
			long graceEnd = System.nanoTime() + Math.min(deadline.toNanos(), Duration.ofSeconds(3).toNanos());
			Set<String> missing = new HashSet<>(ids);
			while (!missing.isEmpty() && System.nanoTime() < end) {
				missing.removeIf(this.handled);
				boolean onlyLosable = missing.stream().allMatch(this::mayBeLost);
				if (missing.isEmpty() || (onlyLosable && System.nanoTime() - graceEnd >= 0)) {
					break;
				}
				sleep(20);
			}
			List<String> lost = missing.stream().filter(this::mayBeLost).sorted().toList();
			missing.removeAll(lost);
			if (!missing.isEmpty()) {
				observations.violation("confirmed entries never delivered: " + missing);
			}
			if (ids.isEmpty()) {
				observations.note("nothing confirmed");
			}
			else if (lost.isEmpty()) {
				observations.note("all " + ids.size() + " confirmed entries delivered");
			}
			else {
				observations.note(lost.size() + " of " + ids.size()
						+ " confirmed entries lost (confirmed during the failover), all others delivered");
			}
		}

	}

	/** Spring Session through the starter's repository: fails while Redis cannot serve, loses nothing. */
	static final class Sessions extends PatternLoad {

		private final RedisPatternsSessionRepository repository;

		private final Duration bound;

		private @Nullable String saved;

		private int next;

		Sessions(ApplicationContext context, Duration redisTimeout) {
			super("session", 1);
			this.repository = context.getBean(RedisPatternsSessionRepository.class);
			// a save is a handful of commands, each bounded by spring.data.redis.timeout
			this.bound = redisTimeout.multipliedBy(4).plus(margin());
		}

		@Override
		void before() {
			RedisPatternsSession session = this.repository.createSession();
			session.setAttribute("cart", "book");
			this.repository.save(session);
			this.saved = session.getId();
		}

		@Override
		void once(Observations observations) {
			long start = System.nanoTime();
			boolean read = (this.next++ % 2 == 0);
			String operation = read ? "session read" : "session save";
			try {
				if (read) {
					RedisPatternsSession session = this.repository.findById(this.saved);
					if (session == null || !"book".equals(session.getAttribute("cart"))) {
						observations.violation("the session saved before the fault is gone");
					}
				}
				else {
					RedisPatternsSession session = this.repository.createSession();
					session.setAttribute("cart", "pen");
					this.repository.save(session);
				}
				observations.took(operation, start, this.bound);
				observations.outcome(read ? "read" : "saved");
			}
			catch (DataAccessException | RedisPatternsException ex) {
				observations.took(operation, start, this.bound);
				observations.outcome(operation + " failed");
				observations.error(label(ex));
			}
			catch (RuntimeException ex) {
				observations.took(operation, start, this.bound);
				observations.error(label(ex));
				observations.violation(operation + " threw " + ex);
			}
			pause();
		}

		@Override
		boolean recovered() {
			try {
				RedisPatternsSession session = this.repository.createSession();
				session.setAttribute("cart", "probe");
				this.repository.save(session);
				RedisPatternsSession found = this.repository.findById(session.getId());
				return found != null && "probe".equals(found.getAttribute("cart"));
			}
			catch (DataAccessException | RedisPatternsException ex) {
				return false;
			}
		}

		@Override
		void verifyAfter(Observations observations, Duration deadline) {
			RedisPatternsSession session = this.repository.findById(this.saved);
			if (session == null || !"book".equals(session.getAttribute("cart"))) {
				observations.violation("the session saved before the fault did not survive it");
			}
			else {
				observations.note("the session saved before the fault survived");
			}
		}

	}

	/** Accepts a write only from the newest fencing token it has seen, as a fenced database row would. */
	static final class FencedStore {

		private long highest;

		synchronized boolean write(long token) {
			if (token < this.highest) {
				return false;
			}
			this.highest = token;
			return true;
		}

	}

	static void pause() {
		sleep(50);
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
