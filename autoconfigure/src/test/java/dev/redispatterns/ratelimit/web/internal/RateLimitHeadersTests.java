package dev.redispatterns.ratelimit.web.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTests {

	@Test
	void structuredFieldStringsAreQuotedAndEscaped() {
		assertThat(RateLimitHeaders.sfString("api")).isEqualTo("\"api\"");
		assertThat(RateLimitHeaders.sfString("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
		assertThat(RateLimitHeaders.sfString("caf\u00e9\n")).isEqualTo("\"caf__\"");
	}

	@Test
	void secondsRoundUp() {
		assertThat(RateLimitHeaders.seconds(0)).isZero();
		assertThat(RateLimitHeaders.seconds(1)).isEqualTo(1);
		assertThat(RateLimitHeaders.seconds(1000)).isEqualTo(1);
		assertThat(RateLimitHeaders.seconds(1001)).isEqualTo(2);
	}

	@Test
	void nothingIsWrittenWithoutKnownDecisions() {
		Map<String, String> headers = new LinkedHashMap<>();
		new RateLimitHeaders(true).write(List.of(), headers::put);
		assertThat(headers).isEmpty();
	}

}
