package dev.redispatterns.cache;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CachePolicyTests {

	@Test
	void defaultsAreTheDocumentedOnes() {
		CachePolicy policy = CachePolicy.defaults();
		assertThat(policy.ttl()).isEqualTo(Duration.ofMinutes(10));
		assertThat(policy.ttlJitterPercent()).isEqualTo(10);
		assertThat(policy.cacheNulls()).isTrue();
		assertThat(policy.nullTtl()).isEqualTo(Duration.ofMinutes(1));
		assertThat(policy.refreshAhead()).isFalse();
		assertThat(policy.staleWhileRevalidate()).isZero();
		assertThat(policy.nearCache()).isFalse();
		assertThat(policy.stampedeProtection()).isTrue();
		assertThat(policy.lockTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(policy.maxWait()).isEqualTo(Duration.ofSeconds(10));
		assertThat(policy.timeout()).isEqualTo(Duration.ofMillis(250));
		assertThat(policy.refreshes()).isFalse();
	}

	@Test
	void toBuilderChangesOnlyWhatIsSet() {
		CachePolicy policy = CachePolicy.defaults().toBuilder().ttl(Duration.ofSeconds(5)).build();
		assertThat(policy.ttl()).isEqualTo(Duration.ofSeconds(5));
		assertThat(policy.maxWait()).isEqualTo(CachePolicy.defaults().maxWait());
	}

	@Test
	void valuesThatMakeNoSenseAreRefusedNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> CachePolicy.builder().ttl(Duration.ZERO).build())
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> CachePolicy.builder().ttlJitterPercent(100).build())
			.withMessageContaining("ttlJitterPercent");
		assertThatIllegalArgumentException().isThrownBy(() -> CachePolicy.builder().refreshAheadBeta(0).build())
			.withMessageContaining("refreshAheadBeta");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CachePolicy.builder().staleWhileRevalidate(Duration.ofSeconds(-1)).build())
			.withMessageContaining("staleWhileRevalidate");
		assertThatIllegalArgumentException().isThrownBy(() -> CachePolicy.builder().nearCacheMaxSize(0).build())
			.withMessageContaining("nearCacheMaxSize");
	}

}
