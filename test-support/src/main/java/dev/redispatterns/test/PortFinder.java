package dev.redispatterns.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free loopback ports. Ports come from a range whose {@code port + 10000} (the Redis Cluster bus
 * port) is also valid, and both are checked, so the same choice works for cluster nodes.
 */
final class PortFinder {

	private static final int MIN = 20_000;

	private static final int MAX = 45_000;

	private PortFinder() {
	}

	static int freePort() {
		for (int attempt = 0; attempt < 200; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(MIN, MAX);
			if (isFree(port) && isFree(port + 10_000)) {
				return port;
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

}
