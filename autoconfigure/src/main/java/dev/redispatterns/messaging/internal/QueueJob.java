package dev.redispatterns.messaging.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * A job as stored in a queue's lists: <code>q1|attempts|id|payload</code>. The small text header lets the
 * recovery script count a lost attempt without parsing the payload, and the id makes every job unique, so
 * removing a job from a processing list by value ({@code LREM}) never removes another job.
 * <p>
 * Headers (the publisher's trace context) ride in the id field after a {@code ;}, form-encoded
 * (<code>q1|0|id;traceparent=00-...|payload</code>), so they contain no {@code |}: jobs without headers are
 * stored exactly as before, and a consumer that does not know headers still handles a job that has them
 * (its id then includes them).
 * @param attempts failed attempts so far
 * @param id unique job id
 * @param headers the headers in their stored, form-encoded form, empty when there are none
 * @param payload the payload as published
 */
public record QueueJob(int attempts, String id, String headers, byte[] payload) {

	private static final byte SEPARATOR = '|';

	private static final char HEADERS = ';';

	private static final byte[] VERSION = "q1".getBytes(StandardCharsets.US_ASCII);

	QueueJob(int attempts, String id, byte[] payload) {
		this(attempts, id, "", payload);
	}

	public static QueueJob create(byte[] payload) {
		byte[] random = new byte[12];
		ThreadLocalRandom.current().nextBytes(random);
		return new QueueJob(0, HexFormat.of().formatHex(random), payload);
	}

	/** This job carrying {@code headers}; nothing extra is stored when they are empty. */
	public QueueJob withHeaders(Map<String, String> headers) {
		return new QueueJob(this.attempts, this.id, encodeHeaders(headers), this.payload);
	}

	QueueJob failedOnce() {
		return new QueueJob(this.attempts + 1, this.id, this.headers, this.payload);
	}

	/** The headers, decoded; empty for a job stored without them. */
	Map<String, String> headerMap() {
		if (this.headers.isEmpty()) {
			return Map.of();
		}
		Map<String, String> decoded = new LinkedHashMap<>();
		for (String pair : this.headers.split("&")) {
			int equals = pair.indexOf('=');
			if (equals > 0) {
				decoded.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
						URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
			}
		}
		return decoded;
	}

	public byte[] encode() {
		byte[] attemptsBytes = Integer.toString(this.attempts).getBytes(StandardCharsets.US_ASCII);
		String idField = this.headers.isEmpty() ? this.id : this.id + HEADERS + this.headers;
		byte[] idBytes = idField.getBytes(StandardCharsets.US_ASCII);
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
		String idField = new String(bytes, attemptsEnd + 1, idEnd - attemptsEnd - 1, StandardCharsets.US_ASCII);
		int headersAt = idField.indexOf(HEADERS);
		String id = (headersAt < 0) ? idField : idField.substring(0, headersAt);
		String headers = (headersAt < 0) ? "" : idField.substring(headersAt + 1);
		byte[] payload = new byte[bytes.length - idEnd - 1];
		System.arraycopy(bytes, idEnd + 1, payload, 0, payload.length);
		return new QueueJob(attempts, id, headers, payload);
	}

	private static String encodeHeaders(Map<String, String> headers) {
		if (headers.isEmpty()) {
			return "";
		}
		StringBuilder encoded = new StringBuilder();
		headers.forEach((name, value) -> {
			if (!encoded.isEmpty()) {
				encoded.append('&');
			}
			// form encoding leaves only letters, digits and . - * _ + % = &: never | or ;
			encoded.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
				.append('=')
				.append(URLEncoder.encode(value, StandardCharsets.UTF_8));
		});
		return encoded.toString();
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
