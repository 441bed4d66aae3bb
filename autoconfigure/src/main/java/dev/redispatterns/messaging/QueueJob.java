package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * A job as stored in a queue's lists: <code>q1|attempts|id|payload</code>. The small text header lets the
 * recovery script count a lost attempt without parsing the payload, and the id makes every job unique, so
 * removing a job from a processing list by value ({@code LREM}) never removes another job.
 * @param attempts failed attempts so far
 * @param id unique job id
 * @param payload the payload as published
 */
record QueueJob(int attempts, String id, byte[] payload) {

	private static final byte SEPARATOR = '|';

	private static final byte[] VERSION = "q1".getBytes(StandardCharsets.US_ASCII);

	static QueueJob create(byte[] payload) {
		byte[] random = new byte[12];
		ThreadLocalRandom.current().nextBytes(random);
		return new QueueJob(0, HexFormat.of().formatHex(random), payload);
	}

	QueueJob failedOnce() {
		return new QueueJob(this.attempts + 1, this.id, this.payload);
	}

	byte[] encode() {
		byte[] attemptsBytes = Integer.toString(this.attempts).getBytes(StandardCharsets.US_ASCII);
		byte[] idBytes = this.id.getBytes(StandardCharsets.US_ASCII);
		byte[] out = new byte[VERSION.length + attemptsBytes.length + idBytes.length + this.payload.length + 3];
		int at = 0;
		System.arraycopy(VERSION, 0, out, at, VERSION.length);
		at += VERSION.length;
		out[at++] = SEPARATOR;
		System.arraycopy(attemptsBytes, 0, out, at, attemptsBytes.length);
		at += attemptsBytes.length;
		out[at++] = SEPARATOR;
		System.arraycopy(idBytes, 0, out, at, idBytes.length);
		at += idBytes.length;
		out[at++] = SEPARATOR;
		System.arraycopy(this.payload, 0, out, at, this.payload.length);
		return out;
	}

	/** Parses a stored job, or returns {@code null} when the bytes are not a job of this format. */
	static @Nullable QueueJob parse(byte[] bytes) {
		if (bytes.length < VERSION.length + 3 || bytes[0] != VERSION[0] || bytes[1] != VERSION[1]
				|| bytes[2] != SEPARATOR) {
			return null;
		}
		int attemptsEnd = indexOf(bytes, 3);
		if (attemptsEnd < 0) {
			return null;
		}
		int idEnd = indexOf(bytes, attemptsEnd + 1);
		if (idEnd < 0) {
			return null;
		}
		int attempts;
		try {
			attempts = Integer.parseInt(new String(bytes, 3, attemptsEnd - 3, StandardCharsets.US_ASCII));
		}
		catch (NumberFormatException ex) {
			return null;
		}
		String id = new String(bytes, attemptsEnd + 1, idEnd - attemptsEnd - 1, StandardCharsets.US_ASCII);
		byte[] payload = new byte[bytes.length - idEnd - 1];
		System.arraycopy(bytes, idEnd + 1, payload, 0, payload.length);
		return new QueueJob(attempts, id, payload);
	}

	private static int indexOf(byte[] bytes, int from) {
		for (int i = from; i < bytes.length; i++) {
			if (bytes[i] == SEPARATOR) {
				return i;
			}
		}
		return -1;
	}

}
