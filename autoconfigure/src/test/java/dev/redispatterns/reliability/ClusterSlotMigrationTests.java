package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.messaging.QueuePublisher;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.ratelimit.RateLimitOutcome;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.session.RedisPatternsSession;
import dev.redispatterns.session.RedisPatternsSessionRepository;
import dev.redispatterns.test.RecordedLogs;
import dev.redispatterns.test.RedisClusterProcesses;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resharding under load: the slots holding the starter's keys — cache entries, rate-limit buckets, locks
 * with their fencing counters and queues, a stream with its consumer group, a job queue, sessions — are moved to other
 * masters the way {@code redis-cli --cluster reshard} moves them ({@code CLUSTER SETSLOT IMPORTING} /
 * {@code MIGRATING}, {@code MIGRATE} key by key, {@code SETSLOT NODE}) while application threads use every
 * pattern. No {@code MOVED}, {@code ASK}, {@code TRYAGAIN}, {@code UNBLOCKED} or {@code CROSSSLOT} reaches
 * the application or its log, nothing falls back, and every result stays right. Runs on a cluster of its
 * own.
 */
@RedisTest(topology = Topology.CLUSTER, process = true)
@ExtendWith(RecordedLogs.Extension.class)
class ClusterSlotMigrationTests {

	private static final Pattern REDIRECTS = Pattern.compile("CROSSSLOT|MOVED \\d|ASK \\d|TRYAGAIN|UNBLOCKED");

	private static final int CACHE_KEYS = 12;

	private static final int LOCKS = 3;

	private static final int TIGHT_LIMIT = 150;

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final AtomicBoolean stop = new AtomicBoolean();

	@Test
	void everyPatternKeepsWorkingWhileItsSlotsMoveToOtherMasters(RedisClusterProcesses cluster, RecordedLogs logs)
			throws Exception {
		String[] properties = new String[cluster.springProperties().length + 6];
		System.arraycopy(cluster.springProperties(), 0, properties, 6, cluster.springProperties().length);
		// generous timeouts: the box is small and shared; retries after TRYAGAIN stay within them
		properties[0] = "redis.patterns.command-timeout=2s";
		properties[1] = "redis.patterns.cache.timeout=2s";
		properties[2] = "spring.data.redis.timeout=5s";
		properties[3] = "redis.patterns.rate-limit.policies.tight.algorithm=sliding-log";
		properties[4] = "redis.patterns.rate-limit.policies.tight.limit=" + TIGHT_LIMIT;
		properties[5] = "redis.patterns.rate-limit.policies.tight.window=1h";
		try (ConfigurableApplicationContext app = ReliabilityApplication.start(properties)) {
			CatalogService catalog = app.getBean(CatalogService.class);
			RateLimiter limiter = app.getBean(RateLimiter.class);
			LockManager locks = app.getBean(LockManager.class);
			StreamPublisher publisher = app.getBean(StreamPublisher.class);
			StreamRecorder recorder = app.getBean(StreamRecorder.class);
			QueuePublisher queue = app.getBean(QueuePublisher.class);
			MessageRecorder jobs = app.getBean(MessageRecorder.class);
			RedisPatternsSessionRepository sessions = app.getBean(RedisPatternsSessionRepository.class);

			// warm up: every pattern's keys exist before their slots move
			for (int i = 0; i < CACHE_KEYS; i++) {
				catalog.value("k" + i);
			}
			int loads = catalog.calls();
			for (int i = 0; i < LOCKS; i++) {
				locks.lock("order-" + i, Duration.ofSeconds(5), Duration.ofSeconds(10)).unlock();
			}
			for (int i = 0; i < 7; i++) {
				limiter.tryAcquire("open", "user-" + i);
			}
			limiter.tryAcquire("tight", "burst");
			String[] sessionIds = new String[5];
			for (int i = 0; i < sessionIds.length; i++) {
				RedisPatternsSession session = sessions.createSession();
				session.setAttribute("n", -1);
				sessions.save(session);
				sessionIds[i] = session.getId();
			}
			publisher.publish(StreamRecorder.STREAM, new FaultEvent("warm-up"));
			queue.enqueue(MessageRecorder.QUEUE, new FaultEvent("warm-up"));
			await(() -> recorder.hasHandled("warm-up") && jobs.hasJob("warm-up"), "the consumers are running");

			ExecutorService threads = Executors.newFixedThreadPool(6);
			AtomicInteger tightAllowed = new AtomicInteger();
			AtomicInteger tightAttempts = new AtomicInteger();
			Set<String> published = ConcurrentHashMap.newKeySet();
			Set<String> enqueued = ConcurrentHashMap.newKeySet();
			Map<String, AtomicLong> lastTokens = new ConcurrentHashMap<>();
			Map<String, AtomicInteger> holders = new ConcurrentHashMap<>();
			AtomicInteger operations = new AtomicInteger();
			List<Future<?>> workers = new ArrayList<>();
			workers.add(threads.submit(() -> loop(operations, (n) -> {
				String id = "k" + (n % CACHE_KEYS);
				String value = catalog.value(id);
				check(("value-" + id).equals(value), "cache returned " + value + " for " + id);
			})));
			workers.add(threads.submit(() -> loop(operations, (n) -> {
				RateLimitOutcome open = limiter.tryAcquire("open", "user-" + (n % 7)).outcome();
				check(open == RateLimitOutcome.ALLOWED, "open policy decided " + open);
				tightAttempts.incrementAndGet();
				RateLimitOutcome tight = limiter.tryAcquire("tight", "burst").outcome();
				check(tight == RateLimitOutcome.ALLOWED || tight == RateLimitOutcome.REJECTED,
						"tight policy decided " + tight);
				if (tight == RateLimitOutcome.ALLOWED) {
					tightAllowed.incrementAndGet();
				}
			})));
			for (int t = 0; t < 2; t++) {
				workers.add(threads.submit(() -> loop(operations, (n) -> {
					String name = "order-" + (n % LOCKS);
					try (LockHandle lock = locks.lock(name, Duration.ofSeconds(10), Duration.ofSeconds(10))) {
						int inside = holders.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
						check(inside == 1, inside + " holders of " + name);
						long previous = lastTokens.computeIfAbsent(name, (key) -> new AtomicLong())
							.getAndSet(lock.fencingToken());
						check(lock.fencingToken() > previous,
								"fencing token " + lock.fencingToken() + " after " + previous + " for " + name);
						holders.get(name).decrementAndGet();
					}
				})));
			}
			workers.add(threads.submit(() -> loop(operations, (n) -> {
				String id = "event-" + n;
				publisher.publish(StreamRecorder.STREAM, new FaultEvent(id));
				published.add(id);
				queue.enqueue(MessageRecorder.QUEUE, new FaultEvent(id));
				enqueued.add(id);
			})));
			workers.add(threads.submit(() -> loop(operations, (n) -> {
				String id = sessionIds[n % sessionIds.length];
				RedisPatternsSession session = sessions.findById(id);
				check(session != null, "session " + id.hashCode() + " lost");
				if (session != null) {
					session.setAttribute("n", n);
					sessions.save(session);
					RedisPatternsSession found = sessions.findById(id);
					check(found != null && Integer.valueOf(n).equals(found.getAttribute("n")),
							"session attribute not saved");
				}
			})));

			int before = operations.get();
			Migrations migrations = new Migrations(cluster, "rp:*");
			// two rounds: every slot that held keys at the start moves on, and on again to the third master
			for (int round = 0; round < 2; round++) {
				migrations.moveAll();
			}
			Thread.sleep(500);
			this.stop.set(true);
			for (Future<?> worker : workers) {
				worker.get(60, TimeUnit.SECONDS);
			}
			threads.shutdownNow();

			assertThat(migrations.slots).as("slots moved").isGreaterThan(20);
			assertThat(migrations.keys).as("keys moved").isGreaterThan(40);
			assertThat(operations.get() - before).as("operations while the slots moved").isGreaterThan(200);
			assertThat(this.failures).as("failures seen by the application").isEmpty();
			assertThat(catalog.calls()).as("every cached read was served from Redis, none fell back").isEqualTo(loads);
			assertThat(tightAttempts.get()).isGreaterThan(TIGHT_LIMIT);
			assertThat(tightAllowed.get()).as("the limit held exactly (one permit went to the warm-up)")
				.isEqualTo(TIGHT_LIMIT - 1);
			await(() -> published.stream().allMatch(recorder::hasHandled), "every stream entry handled");
			await(() -> enqueued.stream().allMatch(jobs::hasJob), "every queued job handled");
			assertThat(logs.lines()).as("no redirect or slot error in the log")
				.noneMatch((line) -> REDIRECTS.matcher(line).find());
		}
	}

	private void loop(AtomicInteger operations, Operation operation) {
		int n = 0;
		while (!this.stop.get()) {
			try {
				operation.run(n++);
				operations.incrementAndGet();
			}
			catch (Exception ex) {
				this.failures.add(ex.toString());
			}
		}
	}

	private void check(boolean condition, String failure) {
		if (!condition) {
			this.failures.add(failure);
		}
	}

	private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	@FunctionalInterface
	private interface Operation {

		void run(int n) throws Exception;

	}

	/** Moves slots between the masters of a cluster as {@code redis-cli --cluster reshard} does. */
	private static final class Migrations {

		private final RedisClusterProcesses cluster;

		private final List<RedisServerProcess> masters;

		private final Map<RedisServerProcess, String> ids = new ConcurrentHashMap<>();

		int slots;

		int keys;

		/** Slots holding keys that match {@code pattern} now, with their owners. */
		private final Map<Long, RedisServerProcess> owners = new TreeMap<>();

		Migrations(RedisClusterProcesses cluster, String pattern) {
			this.cluster = cluster;
			this.masters = cluster.masterProcesses();
			this.masters.forEach((master) -> this.ids.put(master, master.command("CLUSTER", "MYID").toString()));
			for (RedisServerProcess master : this.masters) {
				for (Object key : (List<?>) master.command("KEYS", pattern)) {
					this.owners.put((Long) master.command("CLUSTER", "KEYSLOT", key), master);
				}
			}
		}

		/** Moves every slot to the next master. */
		void moveAll() throws InterruptedException {
			for (Map.Entry<Long, RedisServerProcess> slot : this.owners.entrySet()) {
				RedisServerProcess source = slot.getValue();
				RedisServerProcess target = this.masters.get((this.masters.indexOf(source) + 1) % this.masters.size());
				move(slot.getKey(), source, target);
				slot.setValue(target);
			}
			this.cluster.awaitHealthy(Duration.ofSeconds(10));
		}

		private void move(long slot, RedisServerProcess source, RedisServerProcess target) throws InterruptedException {
			target.command("CLUSTER", "SETSLOT", slot, "IMPORTING", this.ids.get(source));
			source.command("CLUSTER", "SETSLOT", slot, "MIGRATING", this.ids.get(target));
			while (true) {
				// one key at a time, with a pause: the slot stays split between the two nodes for a while
				List<?> batch = (List<?>) source.command("CLUSTER", "GETKEYSINSLOT", slot, 1);
				if (batch.isEmpty()) {
					break;
				}
				List<Object> migrate = new ArrayList<>(List.of("MIGRATE", target.host(), target.port(), "", 0, 5000,
						"REPLACE", "KEYS"));
				migrate.addAll(batch);
				source.command(migrate.toArray());
				this.keys += batch.size();
				Thread.sleep(15);
			}
			// the new owner first, then the old one, then everybody else (as redis-cli does)
			List<RedisServerProcess> order = new ArrayList<>(List.of(target, source));
			this.masters.stream().filter((master) -> !order.contains(master)).forEach(order::add);
			for (RedisServerProcess node : order) {
				node.command("CLUSTER", "SETSLOT", slot, "NODE", this.ids.get(target));
			}
			this.slots++;
		}

	}

}
