package dev.redispatterns.consistency.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import dev.redispatterns.consistency.history.FaultWindow;
import dev.redispatterns.test.FaultyProxy;
import dev.redispatterns.test.RedisClusterProcesses;
import dev.redispatterns.test.RedisSentinelProcesses;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RespClient;

/**
 * The Redis set-up of a run and the faults it offers: a standalone server (each application through its own
 * {@link FaultyProxy}), a Sentinel set-up or a Cluster.
 */
abstract class Topology implements AutoCloseable {

	abstract String name();

	/** The {@code spring.data.redis.*} settings of application {@code index}. */
	abstract List<String> springProperties(int index);

	/** Runs a command where the key lives (dead-letter streams at the end). */
	abstract Object command(Object... args);

	/** The faults this set-up can inject, besides pausing application JVMs. */
	abstract List<Fault> faults(Random random);

	/** Every redis-server process holding data (masters and replicas), to search at the end of a run. */
	abstract List<RedisServerProcess> dataNodes();

	/** Starts watching for faults nobody injected directly (a Sentinel failover after a pause). */
	void watch(RunClock clock) {
	}

	/** What {@link #watch} saw, as fault windows. */
	List<FaultWindow> observedFaults() {
		return List.of();
	}

	static Topology start(String name, int apps) {
		return switch (name) {
			case "standalone" -> new Standalone(apps);
			case "sentinel" -> new Sentinel();
			case "cluster" -> new Cluster();
			default -> throw new IllegalArgumentException("unknown topology " + name);
		};
	}

	static List<String> properties(String... properties) {
		return List.of(properties);
	}

	/** A fault repeating {@code action} every {@code periodMillis} for {@code millis}. */
	static Fault repeating(String name, String target, long millis, long periodMillis, boolean redisSide,
			Fault.Action action, Fault.Action heal) {
		return new Fault(name, target, millis, redisSide, false, () -> {
			long end = System.nanoTime() + millis * 1_000_000L;
			while (System.nanoTime() < end) {
				action.run();
				Thread.sleep(periodMillis);
			}
		}, heal);
	}

	static final class Standalone extends Topology {

		private final RedisServerProcess redis;

		private final List<FaultyProxy> proxies = new ArrayList<>();

		Standalone(int apps) {
			this.redis = RedisServerProcess.start("--appendonly", "yes", "--appendfsync", "always", "--maxmemory-policy",
					"noeviction");
			for (int i = 0; i < apps; i++) {
				this.proxies.add(FaultyProxy.to(this.redis));
			}
		}

		@Override
		String name() {
			return "standalone";
		}

		@Override
		List<String> springProperties(int index) {
			return List.of(this.proxies.get(index).springProperties());
		}

		@Override
		Object command(Object... args) {
			return RespClient.call(this.redis.host(), this.redis.port(), args);
		}

		@Override
		List<RedisServerProcess> dataNodes() {
			return List.of(this.redis);
		}

		@Override
		List<Fault> faults(Random random) {
			int victim = random.nextInt(this.proxies.size());
			FaultyProxy proxy = this.proxies.get(victim);
			String app = "app" + (victim + 1);
			List<Fault> faults = new ArrayList<>();
			faults.add(new Fault("latency 400 ms", app + " to redis", 3000, true, false,
					() -> proxy.latency(Duration.ofMillis(400)), proxy::heal));
			faults.add(repeating("connections cut", "all apps to redis", 3000, 300, true,
					() -> this.proxies.forEach(FaultyProxy::cut), () -> {
					}));
			faults.add(new Fault("redis unreachable", app + " to redis", 3000, true, false, proxy::refuse, proxy::heal));
			faults.add(new Fault("redis-server SIGSTOP", "redis", 2500, true, false, this.redis::pause,
					this.redis::resume));
			faults.add(new Fault("CLIENT PAUSE ALL", "redis", 2000, true, false,
					() -> command("CLIENT", "PAUSE", "2000", "ALL"), () -> {
					}));
			faults.add(repeating("SCRIPT FLUSH", "redis", 3000, 200, false, () -> command("SCRIPT", "FLUSH"), () -> {
			}));
			faults.add(new Fault("maxmemory noeviction", "redis", 3000, true, false, () -> {
				command("SET", "consistency:filler", "x".repeat(2 * 1024 * 1024));
				command("CONFIG", "SET", "maxmemory", "1mb");
			}, () -> {
				command("CONFIG", "SET", "maxmemory", "0");
				command("DEL", "consistency:filler");
			}));
			faults.add(new Fault("restart with AOF", "redis", 1500, true, false, this.redis::kill, this.redis::restart));
			return faults;
		}

		/** A restart that loses everything (no persistence): kept last, so the rest of the run is unaffected. */
		Fault restartWithoutPersistence() {
			return new Fault("restart without AOF", "redis", 1500, true, true, () -> {
				Path dir = Path.of(((List<?>) command("CONFIG", "GET", "dir")).get(1).toString());
				this.redis.kill();
				deleteRecursively(dir.resolve("appendonlydir"));
				Files.deleteIfExists(dir.resolve("dump.rdb"));
			}, this.redis::restart);
		}

		@Override
		public void close() {
			this.proxies.forEach(FaultyProxy::close);
			this.redis.close();
		}

	}

	static final class Sentinel extends Topology {

		private final RedisSentinelProcesses redis = RedisSentinelProcesses.start();

		private final List<FaultWindow> moves = java.util.Collections.synchronizedList(new ArrayList<>());

		private volatile boolean watching;

		/**
		 * Polls the sentinels every 250 ms and records every change of master as a fault that may lose state,
		 * from the last poll that still named the old master to the first that named the new one: a pause of
		 * the master can end in a failover seconds after the pause itself.
		 */
		@Override
		void watch(RunClock clock) {
			this.watching = true;
			Thread watcher = new Thread(() -> {
				String master = null;
				long seen = clock.now();
				while (this.watching) {
					try {
						String now = this.redis.currentMasterAddress();
						long time = clock.now();
						if (master != null && !master.equals(now)) {
							this.moves.add(new FaultWindow("failover (master moved)", master + " -> " + now, seen, time, true,
									true));
							Driver.log("the sentinels moved the master " + master + " -> " + now);
						}
						master = now;
						seen = time;
					}
					catch (RuntimeException ex) {
						// a sentinel not answering: ask again
					}
					AppProcess.sleep(250);
				}
			}, "sentinel-watcher");
			watcher.setDaemon(true);
			watcher.start();
		}

		@Override
		List<FaultWindow> observedFaults() {
			return List.copyOf(this.moves);
		}

		@Override
		String name() {
			return "sentinel";
		}

		@Override
		List<String> springProperties(int index) {
			return List.of(this.redis.springProperties());
		}

		@Override
		Object command(Object... args) {
			RedisServerProcess master = this.redis.currentMaster();
			return RespClient.call(master.host(), master.port(), args);
		}

		@Override
		List<RedisServerProcess> dataNodes() {
			return List.of(this.redis.initialMaster(), this.redis.initialReplica());
		}

		@Override
		List<Fault> faults(Random random) {
			List<Fault> faults = new ArrayList<>();
			faults.add(new Fault("SENTINEL FAILOVER", "master", 3000, true, true, () -> {
				RedisServerProcess sentinel = this.redis.sentinels().get(0);
				RespClient.call(sentinel.host(), sentinel.port(), "SENTINEL", "FAILOVER", RedisSentinelProcesses.MASTER_NAME);
			}, () -> this.redis.awaitHealthy(Duration.ofSeconds(20))));
			// Longer than down-after-milliseconds (1 s): the sentinels may fail over (the watcher records it).
			RedisServerProcess[] paused = new RedisServerProcess[1];
			faults.add(new Fault("master SIGSTOP", "master", 2000, true, false, () -> {
				paused[0] = this.redis.currentMaster();
				paused[0].pause();
			}, () -> {
				paused[0].resume();
				this.redis.awaitHealthy(Duration.ofSeconds(20));
			}));
			// The sentinels' pings are paused too, for longer than down-after-milliseconds: they may fail over
			// (the watcher records it).
			faults.add(new Fault("CLIENT PAUSE ALL", "master", 2000, true, false,
					() -> command("CLIENT", "PAUSE", "2000", "ALL"), () -> this.redis.awaitHealthy(Duration.ofSeconds(20))));
			faults.add(repeating("SCRIPT FLUSH", "master", 3000, 200, false, () -> command("SCRIPT", "FLUSH"), () -> {
			}));
			return faults.stream().map(this::reportingMasterMoves).toList();
		}

		/** The same fault, logging whether the master moved (a failover happened) by the time it was healed. */
		private Fault reportingMasterMoves(Fault fault) {
			String[] before = new String[1];
			return new Fault(fault.name(), fault.target(), fault.millis(), fault.redisSide(), fault.losesState(), () -> {
				before[0] = this.redis.currentMasterAddress();
				fault.inject().run();
			}, () -> {
				fault.heal().run();
				String after = this.redis.currentMasterAddress();
				Driver.log(fault.name() + ": master " + (after.equals(before[0]) ? "stayed " + after : "moved " + before[0] + " -> " + after));
			});
		}

		@Override
		public void close() {
			this.watching = false;
			this.redis.close();
		}

	}

	static final class Cluster extends Topology {

		private final RedisClusterProcesses redis = RedisClusterProcesses.start(3, 1);

		@Override
		String name() {
			return "cluster";
		}

		@Override
		List<String> springProperties(int index) {
			return List.of(this.redis.springProperties());
		}

		@Override
		Object command(Object... args) {
			return this.redis.command(args);
		}

		@Override
		List<RedisServerProcess> dataNodes() {
			return Stream.concat(this.redis.masterProcesses().stream(), this.redis.replicaProcesses().stream()).toList();
		}

		@Override
		List<Fault> faults(Random random) {
			List<Fault> faults = new ArrayList<>();
			faults.add(new Fault("CLUSTER FAILOVER", "a master", 3000, true, false, () -> {
				// A replica of the moment (an earlier failover swapped roles).
				List<RedisServerProcess> masters = this.redis.currentMasters();
				List<RedisServerProcess> replicas = Stream
					.concat(this.redis.masterProcesses().stream(), this.redis.replicaProcesses().stream())
					.filter((node) -> node.isRunning() && !masters.contains(node))
					.toList();
				RedisServerProcess replica = replicas.get(random.nextInt(replicas.size()));
				RespClient.call(replica.host(), replica.port(), "CLUSTER", "FAILOVER");
			}, () -> this.redis.awaitHealthy(Duration.ofSeconds(20))));
			faults.add(new Fault("slot migration", "slots of the lock and rate-limit keys", 3000, true, false,
					() -> SlotMigration.moveSlotsOf(this.redis, "rp:lock:{L1}", "rp:lock:{L2}", "rp:msg:{stream:events}",
							"rp:msg:{queue:jobs}:ready"),
					() -> {
					}));
			faults.add(repeating("SCRIPT FLUSH", "every master", 3000, 200, false,
					() -> this.redis.onEveryMaster("SCRIPT", "FLUSH"), () -> {
					}));
			return faults;
		}

		@Override
		public void close() {
			this.redis.close();
		}

	}

	static void deleteRecursively(Path path) throws IOException {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(path)) {
			for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(each);
			}
		}
	}

	@Override
	public abstract void close();


}
