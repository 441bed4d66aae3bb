package dev.redispatterns.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free loopback ports. Ports come from a range whose {@code port + 10000} (the Redis Cluster bus
 * port) is also valid, and both are checked, so the same choice works for cluster nodes.
 * <p>
 * Test JVMs run side by side (surefire forks, other builds on the machine), so a port that is free now can
 * be taken by another JVM before its {@code redis-server} binds it. Each port handed out is therefore
 * reserved with a lock on {@code <java.io.tmpdir>/redis-patterns-test-ports/<port>.lock}, which every JVM
 * running this harness honours. The reservation lasts until the JVM exits: a stopped server keeps its port
 * for {@link RedisServerProcess#restart()}, and clients of a closed server that still reconnect (an
 * application context cached by Spring's test framework) can never reach another JVM's server there.
 */
final class PortFinder {

	private static final int MIN = 20_000;

	private static final int MAX = 45_000;

	private static final int BUS_OFFSET = 10_000;

	private static final Path LOCKS = Path.of(System.getProperty("java.io.tmpdir"), "redis-patterns-test-ports");

	/** Ports this JVM reserved; the locks (and their channels) stay open until the JVM exits. */
	private static final Map<Integer, FileLock> RESERVED = new HashMap<>();

	private PortFinder() {
	}

	static synchronized int freePort() {
		for (int attempt = 0; attempt < 500; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(MIN, MAX);
			if (reserve(port)) {
				if (reserve(port + BUS_OFFSET)) {
					if (isFree(port) && isFree(port + BUS_OFFSET)) {
						return port;
					}
					release(port + BUS_OFFSET);
				}
				release(port);
			}
		}
		throw new IllegalStateException("No free loopback port found in " + MIN + "-" + MAX);
	}

	static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static boolean reserve(int port) {
		if (RESERVED.containsKey(port)) {
			return false;
		}
		FileChannel channel = null;
		try {
			Files.createDirectories(LOCKS);
			channel = FileChannel.open(LOCKS.resolve(port + ".lock"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE);
			FileLock lock = channel.tryLock();
			if (lock == null) {
				channel.close();
				return false;
			}
			RESERVED.put(port, lock);
			return true;
		}
		catch (IOException ex) {
			closeQuietly(channel);
			throw new IllegalStateException("Cannot reserve port " + port + " under " + LOCKS, ex);
		}
	}

	// The lock files stay: deleting one could split a reservation between two JVMs holding different files.
	private static void release(int port) {
		FileLock lock = RESERVED.remove(port);
		if (lock != null) {
			closeQuietly(lock.channel());
		}
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// the lock goes with the channel either way
			}
		}
	}

}
