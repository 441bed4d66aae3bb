package dev.redispatterns.lock;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;

/** Guarded methods used by the advice tests; shared state is static so two application contexts see it. */
public class LockedService {

	static final int[] COUNTER = new int[1];

	/** The lock of an unnamed {@code @DistributedLock} method: its key in the method's namespace. */
	static String lockName(String method, String key) {
		return LockedService.class.getName() + "." + method + ":" + key;
	}

	static final List<Long> FENCES = new CopyOnWriteArrayList<>();

	private final ObjectProvider<LockedService> self;

	public LockedService(ObjectProvider<LockedService> self) {
		this.self = self;
	}

	@DistributedLock(key = "'counter'", waitTime = "20s", leaseTime = "30s")
	public void increment() {
		int value = COUNTER[0];
		Thread.yield();
		COUNTER[0] = value + 1;
	}

	/** Increments under the lock and records the fencing token in the order the holders ran. */
	@DistributedLock(name = "fenced-counter", waitTime = "20s")
	public void incrementFenced() {
		int value = COUNTER[0];
		FENCES.add(LockContext.current().fencingToken());
		Thread.yield();
		COUNTER[0] = value + 1;
	}

	@DistributedLock(name = "reentrant", key = "#id")
	public List<Long> outer(String id) {
		long outer = LockContext.current().fencingToken();
		long inner = this.self.getObject().inner(id);
		return List.of(outer, inner, LockContext.current().fencingToken());
	}

	@DistributedLock(name = "reentrant", key = "#id")
	public long inner(String id) {
		return LockContext.current().fencingToken();
	}

	@DistributedLock(key = "'failing'")
	public void failing() {
		throw new IllegalStateException("boom");
	}

	@DistributedLock(key = "'fence:' + #id")
	public long fence(String id) {
		FENCES.add(LockContext.current().fencingToken());
		return LockContext.current().fencingToken();
	}

	@DistributedLock(name = "job", key = "'run'", skipIfLocked = true)
	public String job() {
		return "ran";
	}

	@DistributedLock(name = "job", key = "'run'", skipIfLocked = true)
	public Optional<String> optionalJob() {
		return Optional.of("ran");
	}

	@DistributedLock(key = "'async'")
	public CompletableFuture<String> async(CompletableFuture<String> gate) {
		return gate.thenApply((value) -> value + "!");
	}

	@DistributedLock(key = "'mono'")
	public Mono<String> mono(Mono<String> source) {
		return source.map((value) -> value + "!");
	}

	@DistributedLock(key = "'flux'")
	public Flux<Long> flux(Flux<Long> source) {
		return source.map((value) -> value + 1);
	}

	@DistributedLock(key = "'waiting'", waitTime = "400ms")
	public void waiting() {
	}

	@DistributedLock(name = "configured", key = "'configured'")
	public void configured() {
	}

	@DistributedLock(key = "#code", waitTime = "0s")
	public <T> T byCode(String code, java.util.function.Supplier<T> body) {
		return body.get();
	}

	@DistributedLock(skipIfLocked = true)
	public String nightly() {
		return "ran";
	}

	@DistributedLock(key = "'guarded'")
	public <T> T guarded(java.util.function.Supplier<T> body) {
		return body.get();
	}

	@DistributedLock(key = "'order:' + #id")
	public void order(long id) {
	}

	/**
	 * Holds the lock (watchdog lease) until it is lost, after a re-entrant call on it if asked to.
	 * @return {@code "interrupted"}, {@code "lost"} (lost, not interrupted) or {@code "held"} (never lost)
	 */
	@DistributedLock(name = "watched", key = "#id")
	public String holdUntilLost(String id, boolean reenter, CountDownLatch holding) {
		if (reenter) {
			this.self.getObject().reenterWatched(id);
		}
		CountDownLatch lost = new CountDownLatch(1);
		LockContext.current().onLost((handle) -> lost.countDown());
		holding.countDown();
		try {
			boolean seen = lost.await(1, TimeUnit.MINUTES);
			// an interrupt and the callback can arrive together: the flag tells
			return Thread.interrupted() ? "interrupted" : (seen ? "lost" : "held");
		}
		catch (InterruptedException ex) {
			return "interrupted";
		}
	}

	@DistributedLock(name = "watched", key = "#id")
	public void reenterWatched(String id) {
	}

}
