package dev.redispatterns.messaging.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Headers ride in a job's id field without changing the stored form of jobs that have none, and survive
 * values holding the job format's own separators.
 */
class QueueJobHeadersTests {

	@Test
	void aJobWithoutHeadersIsStoredAsBefore() {
		QueueJob job = QueueJob.create(bytes("{\"n\":1}")).withHeaders(Map.of());
		assertThat(new String(job.encode(), StandardCharsets.UTF_8)).isEqualTo("q1|0|" + job.id() + "|{\"n\":1}");
	}

	@Test
	void headersSurviveStorageAndRetriesAndStayOutOfTheId() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
		headers.put("tracestate", "vendor=a|b;c=d&e, other=f%g");
		QueueJob job = QueueJob.create(bytes("x|y")).withHeaders(headers);
		QueueJob stored = QueueJob.parse(job.failedOnce().encode());
		assertThat(stored).isNotNull();
		assertThat(stored.id()).isEqualTo(job.id());
		assertThat(stored.attempts()).isEqualTo(1);
		assertThat(stored.headerMap()).isEqualTo(headers);
		assertThat(new String(stored.payload(), StandardCharsets.UTF_8)).isEqualTo("x|y");
		String encoded = new String(job.encode(), StandardCharsets.UTF_8);
		assertThat(encoded.substring(0, encoded.length() - "x|y".length())).as("only the id field grew")
			.matches("q1\\|0\\|[0-9a-f]{24};[^|]+\\|");
	}

	@Test
	void aJobStoredBeforeHeadersExistedHasNone() {
		QueueJob stored = QueueJob.parse(bytes("q1|2|abc123|payload"));
		assertThat(stored).isNotNull();
		assertThat(stored.id()).isEqualTo("abc123");
		assertThat(stored.headerMap()).isEmpty();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
