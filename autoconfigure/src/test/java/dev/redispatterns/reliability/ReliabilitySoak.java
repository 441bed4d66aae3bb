package dev.redispatterns.reliability;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.messaging.IdempotencyGuard;
import dev.redispatterns.messaging.PubSubPublisher;
import dev.redispatterns.messaging.QueuePublisher;
import dev.redispatterns.structures.Counters;
import dev.redispatterns.structures.Leaderboards;
import dev.redispatterns.structures.UniqueCounters;
import dev.redispatterns.test.FaultyProxy;
import dev.redispatterns.test.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak test, run on demand only (its name does not end in {@code Tests}, so {@code verify} skips it):
 *
 * <pre>
 * ./mvnw -B -pl autoconfigure -am verify -Dtest=ReliabilitySoak -Dsurefire.failIfNoSpecifiedTests=false -Dsoak.duration=10m
 * </pre>
 *
 * Two application instances share one Redis and use every pattern under load for {@code soak.duration}
 * (default 10 minutes) while a fault from the fault-injection suite is injected every
 * {@code soak.fault-interval} (default 30 s). Every operation is checked as in the suite; at the end the
 * JVM's threads, the Redis connections ({@code CLIENT LIST}) and the heap after GC must be back where they
 * were after the warm-up, and every stream entry Redis confirmed must have been consumed. The summary is
 * written to {@code target/reliability/soak.md}.
 */
class ReliabilitySoak {

	private static final Path REPORT = Path.of("target", "reliability", "soak.md");

	private static final Duration FAULT_LENGTH = Duration.ofSeconds(3);

	/** Lettuce's event loops and computation threads start lazily, up to this many per application. */
	private static final int LETTUCE_POOL_SIZE = Math.max(2, Runtime.getRuntime().availableProcessors());

	private static final List<String> LETTUCE_POOLS = List.of("lettuce-eventExecutorLoop", "lettuce-epollEventLoop",
			"lettuce-nioEventLoop", "lettuce-kqueueEventLoop");

	private static final Set<String> OWN_THREADS = Set.of(FaultyProxy.THREAD_PREFIX, "soak-", "fault-injector",
			"debug-sleep", "ForkJoinPool.commonPool");

	@Test
	void everyPatternUnderLoadWithPeriodicFaultsLeaksNothing() throws Exception {
		Duration duration = DurationStyle.detectAndParse(System.getProperty("soak.duration", "10m"));
		Duration faultInterval = DurationStyle.detectAndParse(System.getProperty("soak.fault-interval", "30s"));
		Duration warmUp = Duration.ofSeconds(Math.min(20, Math.max(5, duration.toSeconds() / 10)));
		// two applications, Redis with appendfsync always and the proxy saturate a small machine by design
		PatternLoad.useMargin(Duration.ofSeconds(5));
		try (RedisServerProcess redis = FaultCatalogue.startServer(); FaultyProxy proxy = FaultyProxy.to(redis);
				ConfigurableApplicationContext first = ReliabilityApplication.start(proxy.springProperties());
				ConfigurableApplicationContext second = ReliabilityApplication.start(proxy.springProperties())) {
			FaultCatalogue catalogue = new FaultCatalogue(redis, proxy);
			List<Fault> faults = catalogue.all(FAULT_LENGTH);
			Map<String, PatternLoad> loads = new LinkedHashMap<>();
			StreamRecorder firstRecorder = first.getBean(StreamRecorder.class);
			StreamRecorder secondRecorder = second.getBean(StreamRecorder.class);
			for (ConfigurableApplicationContext context : List.of(first, second)) {
				String instance = (context == first) ? "a" : "b";
				Duration timeout = ReliabilityApplication.COMMAND_TIMEOUT;
				loads.put(instance + " cache", new PatternLoad.Cache(context, timeout));
				loads.put(instance + " rate limit", new PatternLoad.RateLimit(context, timeout));
				loads.put(instance + " lock", new PatternLoad.Lock(context, timeout));
				loads.put(instance + " stream", new PatternLoad.Stream(context, timeout, "soak-" + instance,
						(id) -> firstRecorder.hasHandled(id) || secondRecorder.hasHandled(id)));
				loads.put(instance + " session", new PatternLoad.Sessions(context, ReliabilityApplication.REDIS_TIMEOUT));
				loads.put(instance + " other", new Mixed(context, instance));
			}
			Map<String, Observations> observed = new LinkedHashMap<>();
			for (Map.Entry<String, PatternLoad> load : loads.entrySet()) {
				load.getValue().before();
				observed.put(load.getKey(), new Observations());
			}
			AtomicBoolean running = new AtomicBoolean(true);
			AtomicInteger threadIds = new AtomicInteger();
			ExecutorService workers = Executors
				.newCachedThreadPool((task) -> new Thread(task, "soak-" + threadIds.incrementAndGet()));
			for (Map.Entry<String, PatternLoad> load : loads.entrySet()) {
				for (int i = 0; i < load.getValue().threads(); i++) {
					workers.execute(() -> {
						while (running.get()) {
							load.getValue().once(observed.get(load.getKey()));
						}
					});
				}
			}
			long started = System.nanoTime();
			Thread.sleep(warmUp.toMillis());
			Snapshot baseline = Snapshot.take(catalogue);

			Map<String, Integer> injected = new TreeMap<>();
			long end = started + duration.toNanos();
			int next = 0;
			while (System.nanoTime() + faultInterval.toNanos() < end) {
				Thread.sleep(faultInterval.minus(FAULT_LENGTH).toMillis());
				Fault fault = faults.get(next++ % faults.size());
				fault.injection().inject();
				try {
					Thread.sleep(FAULT_LENGTH.toMillis());
				}
				finally {
					fault.injection().heal();
				}
				injected.merge(fault.name(), 1, Integer::sum);
			}
			Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
			running.set(false);
			workers.shutdown();
			assertThat(workers.awaitTermination(60, TimeUnit.SECONDS)).as("workers stopped").isTrue();

			for (Map.Entry<String, PatternLoad> load : loads.entrySet()) {
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
				boolean recovered = false;
				while (!recovered && System.nanoTime() < deadline) {
					try {
						recovered = load.getValue().recovered();
					}
					catch (RuntimeException ex) {
						// not yet
					}
					PatternLoad.sleep(50);
				}
				Observations observations = observed.get(load.getKey());
				if (!recovered) {
					observations.violation("did not recover within 30 s of the last fault");
				}
				load.getValue().verifyAfter(observations, Duration.ofSeconds(60));
			}
			// let idle subscriptions and pooled threads settle as they would between bursts of traffic
			Thread.sleep(Duration.ofSeconds(35).toMillis());
			Snapshot last = Snapshot.take(catalogue);

			String report = report(duration, injected, observed, baseline, last);
			Files.createDirectories(REPORT.getParent());
			Files.writeString(REPORT, report);
			System.out.println(report);
			List<String> violations = new ArrayList<>();
			observed.forEach((name, observations) -> observations.violations()
				.forEach((violation) -> violations.add(name + ": " + violation)));
			assertThat(violations).as("broken promises during the soak").isEmpty();
			assertThat(injected.values().stream().mapToInt(Integer::intValue).sum()).as("faults injected").isPositive();
			assertThat(last.others().size()).as("threads: " + Snapshot.diff(baseline.threads, last.threads))
				.isLessThanOrEqualTo(baseline.others().size() + 2);
			last.pools().forEach((pool, count) -> assertThat(count).as("threads of the bounded pool " + pool)
				.isLessThanOrEqualTo(2 * LETTUCE_POOL_SIZE));
			assertThat(last.connections).as("Redis connections").isLessThanOrEqualTo(baseline.connections + 2);
			assertThat(last.heapBytes).as("heap after GC")
				.isLessThanOrEqualTo(baseline.heapBytes + Math.max(32L << 20, baseline.heapBytes / 2));
		}
	}

	private static String report(Duration duration, Map<String, Integer> injected, Map<String, Observations> observed,
			Snapshot baseline, Snapshot last) {
		StringBuilder out = new StringBuilder();
		out.append("Soak: ").append(duration).append(", two instances, faults injected: ").append(injected).append("\n\n");
		out.append("| load | operations and outcomes | errors seen |\n| --- | --- | --- |\n");
		observed.forEach((name, observations) -> out.append("| ")
			.append(name)
			.append(" | ")
			.append(observations.behaviour())
			.append(" | ")
			.append(observations.errors())
			.append(" |\n"));
		out.append("\n| | after warm-up | at the end |\n| --- | --- | --- |\n");
		out.append("| JVM threads (the test's own excluded) | ").append(baseline.threads.size()).append(" | ")
			.append(last.threads.size()).append(" |\n");
		out.append("| of which outside Lettuce's bounded pools | ").append(baseline.others().size()).append(" | ")
			.append(last.others().size()).append(" |\n");
		out.append("| Redis connections (`CLIENT LIST`) | ").append(baseline.connections).append(" | ")
			.append(last.connections).append(" |\n");
		out.append("| heap after GC | ").append(baseline.heapBytes >> 20).append(" MB | ").append(last.heapBytes >> 20)
			.append(" MB |\n");
		out.append("\nThreads, ").append(Snapshot.diff(baseline.threads, last.threads)).append('\n');
		return out.toString();
	}

	/** Threads, Redis connections and heap at one moment. */
	private record Snapshot(List<String> threads, long connections, long heapBytes) {

		static Snapshot take(FaultCatalogue catalogue) {
			List<String> threads = Thread.getAllStackTraces()
				.keySet()
				.stream()
				.map(Thread::getName)
				.filter((name) -> OWN_THREADS.stream().noneMatch(name::startsWith))
				.sorted()
				.toList();
			String clients = (String) catalogue.admin("CLIENT", "LIST");
			long connections = clients.lines().filter((line) -> !line.contains("cmd=client|list")).count();
			long heap = Long.MAX_VALUE;
			for (int i = 0; i < 3; i++) {
				System.gc();
				PatternLoad.sleep(200);
				heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
			}
			return new Snapshot(threads, connections, heap);
		}

		/** Threads outside Lettuce's bounded pools. */
		List<String> others() {
			return this.threads.stream().filter((name) -> LETTUCE_POOLS.stream().noneMatch(name::startsWith)).toList();
		}

		/** Threads per Lettuce pool. */
		Map<String, Long> pools() {
			return this.threads.stream()
				.flatMap((name) -> LETTUCE_POOLS.stream().filter(name::startsWith))
				.collect(Collectors.groupingBy((pool) -> pool, TreeMap::new, Collectors.counting()));
		}

		static String diff(List<String> before, List<String> after) {
			Map<String, Long> counts = after.stream()
				.map((name) -> name.replaceAll("\\d+", "#"))
				.collect(Collectors.groupingBy((name) -> name, TreeMap::new, Collectors.counting()));
			before.stream().map((name) -> name.replaceAll("\\d+", "#")).forEach((name) -> counts.merge(name, -1L, Long::sum));
			counts.values().removeIf((count) -> count == 0);
			return "new minus old by name: " + counts;
		}

	}

	/** Queues, pub/sub, idempotency and the data structures, which the suite's loads do not cover. */
	private static final class Mixed extends PatternLoad {

		private final QueuePublisher queues;

		private final PubSubPublisher pubSub;

		private final IdempotencyGuard guard;

		private final Counters counters;

		private final Leaderboards leaderboards;

		private final UniqueCounters uniqueCounters;

		private final String instance;

		private final AtomicInteger sequence = new AtomicInteger();

		Mixed(ConfigurableApplicationContext context, String instance) {
			super("other", 1);
			this.queues = context.getBean(QueuePublisher.class);
			this.pubSub = context.getBean(PubSubPublisher.class);
			this.guard = context.getBean(IdempotencyGuard.class);
			this.counters = context.getBean(Counters.class);
			this.leaderboards = context.getBean(Leaderboards.class);
			this.uniqueCounters = context.getBean(UniqueCounters.class);
			this.instance = instance;
		}

		@Override
		void once(Observations observations) {
			int n = this.sequence.incrementAndGet();
			String id = this.instance + "-" + n;
			run("queue", observations, () -> this.queues.enqueue(MessageRecorder.QUEUE, new FaultEvent(id)));
			run("pub/sub", observations, () -> this.pubSub.publish(NewsRecorder.CHANNEL, new FaultEvent(id)));
			run("idempotency", observations, () -> this.guard.runOnce(id, Duration.ofMinutes(1), () -> {
			}));
			run("counter", observations, () -> this.counters.increment("soak", "c" + (n % 50)));
			run("leaderboard", observations,
					() -> this.leaderboards.board("soak").submitBest("player-" + (n % 100), n % 1000));
			run("unique counter", observations, () -> this.uniqueCounters.counter("soak").add(id));
			pause();
		}

		private static void run(String what, Observations observations, Runnable operation) {
			long start = System.nanoTime();
			try {
				operation.run();
				observations.outcome(what + " ok");
			}
			catch (RedisPatternsException ex) {
				observations.outcome(what + " failed");
				observations.error(label(ex));
			}
			catch (RuntimeException ex) {
				observations.error(label(ex));
				observations.violation(what + " threw " + ex);
			}
			observations.took(what, start, ReliabilityApplication.REDIS_TIMEOUT.plus(margin()));
		}

		@Override
		boolean recovered() {
			try {
				this.counters.increment("soak", "probe");
				return true;
			}
			catch (RedisPatternsException ex) {
				return false;
			}
		}

	}

}
