package dev.redispatterns.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisURI;

import dev.redispatterns.test.RespClient;

/**
 * What a cell's JVM knows: where Redis is, how many client threads it runs, how long to warm up and
 * measure, and which of the cell's JVMs it is. It also runs the start handshake with the suite.
 *
 * @param host Redis host
 * @param port Redis port
 * @param threads client threads in this JVM
 * @param jvmIndex index of this JVM among the cell's JVMs
 * @param jvmCount JVMs of the cell
 * @param warmupNanos warm-up
 * @param measureNanos measured window
 * @param rounds measured rounds (round-based workloads)
 * @param quick whether this is a smoke run
 */
public record CellContext(String host, int port, int threads, int jvmIndex, int jvmCount, long warmupNanos,
		long measureNanos, int rounds, boolean quick) {

	/** Printed by a cell JVM when it is set up and waits for {@link #GO}. */
	public static final String READY = "READY";

	/** Sent by the suite to every JVM of a cell at once, so multi-JVM cells measure the same window. */
	public static final String GO = "GO";

	public String redisUrl() {
		return "redis://" + this.host + ":" + this.port;
	}

	public RedisURI redisUri() {
		return RedisURI.create(this.host, this.port);
	}

	/**
	 * Whether this JVM reads Redis's command counter around the window. Only the first JVM of a cell does,
	 * and its delta counts the commands of every JVM in that window.
	 */
	public boolean countsCommands() {
		return this.jvmIndex == 0;
	}

	/** {@code total_commands_processed} of {@code INFO stats}: every command, also those run inside scripts. */
	public long commandsProcessed() {
		return RedisInfo.commandsProcessed(this.host, this.port);
	}

	/** CPU time the Redis server has used so far, in nanoseconds ({@code INFO cpu}). */
	public long redisCpuNanos() {
		return RedisInfo.cpuNanos(this.host, this.port);
	}

	/**
	 * CPU time this JVM has used so far (every thread: client threads, the client library's I/O threads,
	 * GC and JIT), in nanoseconds.
	 */
	public static long processCpuNanos() {
		if (java.lang.management.ManagementFactory
			.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return os.getProcessCpuTime();
		}
		return -1;
	}

	/** Time this JVM's compiler threads have spent compiling so far, in nanoseconds, or -1. */
	public static long jitNanos() {
		java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
		return (jit != null && jit.isCompilationTimeMonitoringSupported())
				? TimeUnit.MILLISECONDS.toNanos(jit.getTotalCompilationTime()) : -1;
	}

	/** Time this JVM has spent in garbage collections so far, in nanoseconds. */
	public static long gcNanos() {
		long millis = 0;
		for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory
			.getGarbageCollectorMXBeans()) {
			millis += Math.max(gc.getCollectionTime(), 0);
		}
		return TimeUnit.MILLISECONDS.toNanos(millis);
	}

	/** Runs an administrative command on a connection of its own. */
	public Object admin(Object... command) {
		return RespClient.call(this.host, this.port, command);
	}

	/** Tells the suite this JVM is set up and blocks until the suite says go. */
	public void ready() {
		System.out.println(READY);
		System.out.flush();
		try {
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			String line;
			while ((line = in.readLine()) != null) {
				if (GO.equals(line.trim())) {
					return;
				}
			}
			throw new IllegalStateException("Suite closed the cell's input before saying " + GO);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
