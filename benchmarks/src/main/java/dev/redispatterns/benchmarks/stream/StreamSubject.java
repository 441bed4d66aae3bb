package dev.redispatterns.benchmarks.stream;

/**
 * One stream consumer implementation as the stream workloads drive it: it reads the stream with a
 * consumer group, acknowledges each message only after handling it, and then reports it to the sink.
 * <p>
 * Every message has one field, {@link #PAYLOAD}: the producer's {@code System.nanoTime()} when it sent the
 * message, a colon, and filler up to about 200 bytes ({@link #sentAt(String)} reads the time back). One
 * field, because this starter's consumers hand their handlers exactly that field.
 */
public interface StreamSubject extends AutoCloseable {

	/** The one field of every message. */
	String PAYLOAD = "payload";

	/**
	 * The Redis key of the logical stream {@code stream} for this implementation; the workload creates the
	 * group and adds the messages there. By default the name itself.
	 */
	default String key(String stream) {
		return stream;
	}

	/**
	 * Starts {@code consumers} consumers of {@code group} (which exists) on the logical stream {@code stream}.
	 * @param sink told about every message once it has been handled and its acknowledgement sent
	 */
	void start(String stream, String group, int consumers, Sink sink) throws Exception;

	/** Stops consuming and releases every connection. */
	@Override
	void close() throws Exception;

	/** The send time carried by a payload. */
	static long sentAt(String payload) {
		return Long.parseLong(payload, 0, payload.indexOf(':'), 10);
	}

	/** The send time carried by a payload, from its bytes. */
	static long sentAt(byte[] payload) {
		long value = 0;
		boolean negative = payload.length > 0 && payload[0] == '-';
		for (int i = negative ? 1 : 0; i < payload.length && payload[i] != ':'; i++) {
			value = value * 10 + (payload[i] - '0');
		}
		return negative ? -value : value;
	}

	/** A payload carrying {@code sentAt}, about 200 bytes long. */
	static String payload(long sentAt, String filler) {
		return sentAt + ":" + filler;
	}

	/** Where consumers report handled and acknowledged messages. */
	@FunctionalInterface
	interface Sink {

		/** @param sentAt the send time carried by the message's payload */
		void acknowledged(long sentAt);

	}

}
