package dev.redispatterns.reliability;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationContext;
import org.springframework.session.FindByIndexNameSessionRepository;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.messaging.IdempotencyGuard;
import dev.redispatterns.messaging.PubSubPublisher;
import dev.redispatterns.messaging.QueuePublisher;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.observability.internal.RedisPatternsHealthIndicator;
import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitOutcome;
import dev.redispatterns.ratelimit.RateLimitRequest;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.session.RedisPatternsSession;
import dev.redispatterns.session.RedisPatternsSessionRepository;
import dev.redispatterns.session.UserSessions;
import dev.redispatterns.structures.CounterBatch;
import dev.redispatterns.structures.Counters;
import dev.redispatterns.structures.Leaderboard;
import dev.redispatterns.structures.Leaderboards;
import dev.redispatterns.structures.UniqueCounter;
import dev.redispatterns.structures.UniqueCounters;
import dev.redispatterns.structures.WriteBehindCounter;
import dev.redispatterns.structures.WriteBehindCounters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uses every feature of the starter once, through its public API, and checks that each really worked
 * against Redis (a cache hit, a refusal decided by Redis, a lock handed over, a message delivered...). The
 * security tests run it under a restricted ACL user and over TLS; it also finds the commands the starter
 * needs.
 */
final class FeatureTour {

	/** Policies of every algorithm, each allowing one call, on top of the application's settings. */
	static final String[] PROPERTIES = { "redis.patterns.rate-limit.policies.fw.algorithm=fixed-window",
			"redis.patterns.rate-limit.policies.fw.limit=1", "redis.patterns.rate-limit.policies.fw.window=1m",
			"redis.patterns.rate-limit.policies.sw.algorithm=sliding-window",
			"redis.patterns.rate-limit.policies.sw.limit=1", "redis.patterns.rate-limit.policies.sw.window=1m",
			"redis.patterns.rate-limit.policies.sl.algorithm=sliding-log",
			"redis.patterns.rate-limit.policies.sl.limit=1", "redis.patterns.rate-limit.policies.sl.window=1m",
			"redis.patterns.rate-limit.policies.tb.algorithm=token-bucket",
			"redis.patterns.rate-limit.policies.tb.capacity=1", "redis.patterns.rate-limit.policies.tb.refill-rate=0.01",
			"redis.patterns.rate-limit.policies.gcra.algorithm=gcra", "redis.patterns.rate-limit.policies.gcra.limit=1",
			"redis.patterns.rate-limit.policies.gcra.window=1m",
			"redis.patterns.structures.unique-counter.period=daily", "redis.patterns.lock.watchdog.lease=2s" };

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final ApplicationContext context;

	private final boolean clearsCaches;

	FeatureTour(ApplicationContext context) {
		this(context, true);
	}

	/** @param clearsCaches whether whole caches are cleared (needs {@code SCAN}) */
	FeatureTour(ApplicationContext context, boolean clearsCaches) {
		this.context = context;
		this.clearsCaches = clearsCaches;
	}

	/** Runs every step; {@code tag} keeps the names of repeated tours apart. */
	void run(String tag) throws Exception {
		cache(tag);
		rateLimits(tag);
		locks(tag);
		messaging(tag);
		sessions(tag);
		structures(tag);
		health();
	}

	void cache(String tag) throws Exception {
		CatalogService catalog = this.context.getBean(CatalogService.class);
		assertThat(catalog.value(tag)).isEqualTo("value-" + tag);
		int calls = catalog.calls();
		assertThat(catalog.value(tag)).isEqualTo("value-" + tag);
		assertThat(catalog.syncValue(tag)).isEqualTo("sync-" + tag);
		assertThat(catalog.syncValue(tag)).isEqualTo("sync-" + tag);
		assertThat(catalog.calls()).as("second reads are cache hits").isEqualTo(calls + 1);
		catalog.update(tag, "updated");
		assertThat(catalog.value(tag)).isEqualTo("updated");
		catalog.remove(tag);
		assertThat(catalog.value(tag)).isEqualTo("value-" + tag);
		if (this.clearsCaches) {
			catalog.clear();
			calls = catalog.calls();
			assertThat(catalog.value(tag)).isEqualTo("value-" + tag);
			assertThat(catalog.calls()).as("evicting all entries emptied the cache").isEqualTo(calls + 1);
		}
		assertThat(catalog.nearValue(tag)).isEqualTo("near-" + tag);
		assertThat(catalog.nearValue(tag)).isEqualTo("near-" + tag);
		calls = catalog.calls();
		List<CompletableFuture<String>> callers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			callers.add(CompletableFuture.supplyAsync(() -> catalog.slowValue(tag)));
		}
		for (CompletableFuture<String> caller : callers) {
			assertThat(caller.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("slow-" + tag);
		}
		assertThat(catalog.calls()).as("one load for four concurrent callers").isEqualTo(calls + 1);
	}

	void rateLimits(String tag) {
		RateLimiter limiter = this.context.getBean(RateLimiter.class);
		for (String policy : List.of("fw", "sw", "sl", "tb", "gcra")) {
			RateLimitDecision first = limiter.tryAcquire(policy, tag);
			assertThat(first.outcome()).as(policy).isEqualTo(RateLimitOutcome.ALLOWED);
			assertThat(limiter.tryAcquire(policy, tag).outcome()).as(policy + " second call")
				.isEqualTo(RateLimitOutcome.REJECTED);
			limiter.refund(first);
			assertThat(limiter.tryAcquire(policy, tag).outcome()).as(policy + " after the refund")
				.isEqualTo(RateLimitOutcome.ALLOWED);
		}
		List<RateLimitDecision> both = limiter.tryAcquireAll(List.of(
				new RateLimitRequest("open", tag, 1),
				new RateLimitRequest("fw", tag, 1)));
		assertThat(both.get(both.size() - 1).outcome()).isEqualTo(RateLimitOutcome.REJECTED);
	}

	void locks(String tag) throws Exception {
		LockManager locks = this.context.getBean(LockManager.class);
		String name = "tour:" + tag;
		LockHandle first = locks.lock(name, Duration.ofSeconds(2), null);
		CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
			try (LockHandle second = locks.lock(name, Duration.ofSeconds(10), Duration.ofSeconds(5))) {
				return second.fencingToken();
			}
		});
		Thread.sleep(2_500);
		assertThat(first.isHeld()).as("watchdog renewed the 2 s lease").isTrue();
		first.unlock();
		assertThat(waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("handed over with a higher token")
			.isGreaterThan(first.fencingToken());
		try (LockHandle read = locks.readLock(name, LockRequest.waitFor(Duration.ofSeconds(2)));
				LockHandle alsoRead = locks.readLock(name, LockRequest.waitFor(Duration.ofSeconds(2)))) {
			assertThat(read.isHeld() && alsoRead.isHeld()).isTrue();
			assertThat(locks.tryWriteLock(name, LockRequest.immediate())).isEmpty();
		}
		locks.writeLock(name, LockRequest.waitFor(Duration.ofSeconds(2))).unlock();
		try (LockHandle permit = locks.acquirePermit(name, 1, LockRequest.waitFor(Duration.ofSeconds(2)))) {
			assertThat(locks.tryAcquirePermit(name, 1, LockRequest.immediate())).isEmpty();
		}
	}

	void messaging(String tag) {
		StreamPublisher streams = this.context.getBean(StreamPublisher.class);
		StreamRecorder recorder = this.context.getBean(StreamRecorder.class);
		streams.publish(StreamRecorder.STREAM, new FaultEvent("tour-" + tag));
		await("stream entry consumed", () -> recorder.hasHandled("tour-" + tag));
		QueuePublisher queues = this.context.getBean(QueuePublisher.class);
		MessageRecorder messages = this.context.getBean(MessageRecorder.class);
		queues.enqueue(MessageRecorder.QUEUE, new FaultEvent("job-" + tag));
		queues.schedule(MessageRecorder.QUEUE, new FaultEvent("later-" + tag), Duration.ofMillis(200));
		await("job consumed", () -> messages.hasJob("job-" + tag));
		await("delayed job consumed", () -> messages.hasJob("later-" + tag));
		PubSubPublisher pubSub = this.context.getBean(PubSubPublisher.class);
		NewsRecorder news = this.context.getBeanProvider(NewsRecorder.class).getIfAvailable();
		if (news != null) {
			await("pub/sub message received", () -> {
				pubSub.publish(NewsRecorder.CHANNEL, new FaultEvent("news-" + tag));
				return news.hasNews("news-" + tag);
			});
		}
		IdempotencyGuard guard = this.context.getBean(IdempotencyGuard.class);
		assertThat(guard.runOnce("tour-" + tag, Duration.ofMinutes(1), () -> {
		})).isTrue();
		assertThat(guard.runOnce("tour-" + tag, Duration.ofMinutes(1), () -> {
		})).isFalse();
	}

	void sessions(String tag) {
		RedisPatternsSessionRepository repository = this.context.getBean(RedisPatternsSessionRepository.class);
		RedisPatternsSession session = repository.createSession();
		session.setAttribute("cart", "book");
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "user-" + tag);
		repository.save(session);
		RedisPatternsSession found = repository.findById(session.getId());
		assertThat(found).isNotNull();
		assertThat((String) found.getAttribute("cart")).isEqualTo("book");
		found.setAttribute("cart", "pen");
		repository.save(found);
		assertThat(repository.findByPrincipalName("user-" + tag)).hasSize(1);
		UserSessions users = new UserSessions(repository);
		assertThat(users.list("user-" + tag)).hasSize(1);
		assertThat(repository.activeSessions()).isPresent();
		RedisPatternsSession other = repository.createSession();
		other.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "user-" + tag);
		repository.save(other);
		String id = other.getId();
		other.changeSessionId();
		repository.save(other);
		assertThat(repository.findById(id)).as("old id after the change").isNull();
		repository.deleteById(session.getId());
		assertThat(repository.findById(session.getId())).isNull();
		assertThat(users.revokeAll("user-" + tag)).isEqualTo(1);
		assertThat(repository.findById(other.getId())).isNull();
	}

	void structures(String tag) {
		Leaderboard board = this.context.getBean(Leaderboards.class).board("tour-" + tag);
		board.submitBest("ann", 10);
		board.submitBest("ann", 5);
		board.increment("bob", 7);
		board.submit("cid", 3);
		assertThat(board.top(1).get(0).member()).isEqualTo("ann");
		assertThat(board.around("bob", 1)).hasSize(3);
		assertThat(board.page(1, 2).entries()).hasSize(2);
		assertThat(board.entry("cid")).isPresent();
		assertThat(board.remove("cid")).isTrue();
		assertThat(board.size()).isEqualTo(2);
		UniqueCounter visitors = this.context.getBean(UniqueCounters.class).counter("tour-" + tag);
		visitors.add("a", "b", "a");
		assertThat(visitors.count()).isEqualTo(2);
		LocalDate today = LocalDate.now(ZoneOffset.UTC);
		assertThat(visitors.countBetween(today.minusDays(1), today)).isEqualTo(2);
		visitors.mergeWeek(today);
		Counters counters = this.context.getBean(Counters.class);
		assertThat(counters.increment("tour", tag)).isEqualTo(1);
		assertThat(counters.incrementWithin("tour", tag, 5, 3).accepted()).isFalse();
		assertThat(counters.get("tour", tag)).isEqualTo(1);
		List<CounterBatch> flushed = new CopyOnWriteArrayList<>();
		WriteBehindCounter views = this.context.getBean(WriteBehindCounters.class)
			.register("tour-" + tag, flushed::add);
		views.increment("article-1");
		views.increment("article-1", 2);
		assertThat(views.pending("article-1")).isEqualTo(3);
		views.flush();
		assertThat(flushed).singleElement()
			.satisfies((batch) -> assertThat(batch.deltas()).isEqualTo(Map.of("article-1", 3L)));
	}

	void health() {
		RedisPatternsHealthIndicator indicator = new RedisPatternsHealthIndicator(
				this.context.getBean(RedisConnector.class), true);
		// The cluster details take several round trips within these tests' 300 ms command timeout, which a
		// loaded machine can miss once; a denied command never turns UP (and the ACL tests read ACL LOG).
		long deadline = System.nanoTime() + WAIT.toNanos();
		Health health = indicator.health();
		while (!Status.UP.equals(health.getStatus()) && System.nanoTime() < deadline) {
			PatternLoad.sleep(20);
			health = indicator.health();
		}
		assertThat(health.getStatus()).as("health within " + WAIT.toSeconds() + " s: " + health.getDetails())
			.isEqualTo(Status.UP);
	}

	static void await(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what + " within " + WAIT.toSeconds() + " s").isLessThan(deadline);
			PatternLoad.sleep(20);
		}
	}

}
