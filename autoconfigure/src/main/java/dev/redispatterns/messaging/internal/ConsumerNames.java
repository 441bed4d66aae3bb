package dev.redispatterns.messaging.internal;

import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumer names unique per process and per consumer, readable in {@code XINFO CONSUMERS}: host, process
 * id, a random part (process ids repeat across containers) and a counter.
 */
public final class ConsumerNames {

	private static final String INSTANCE = instance();

	private static final AtomicInteger COUNTER = new AtomicInteger();

	private ConsumerNames() {
	}

	/** A fresh consumer name. */
	public static String next() {
		return INSTANCE + "-" + COUNTER.incrementAndGet();
	}

	private static String instance() {
		String host = System.getenv("HOSTNAME");
		if (host == null || host.isBlank()) {
			host = System.getenv("COMPUTERNAME");
		}
		if (host == null || host.isBlank()) {
			host = "host";
		}
		host = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "");
		if (host.length() > 40) {
			host = host.substring(0, 40);
		}
		byte[] random = new byte[3];
		ThreadLocalRandom.current().nextBytes(random);
		return host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
	}

}
