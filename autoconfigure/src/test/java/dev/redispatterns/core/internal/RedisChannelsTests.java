package dev.redispatterns.core.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which channels count as connected to the address Sentinel names: by IP (the default) or by host name
 * (Sentinel with {@code announce-hostnames yes}).
 */
class RedisChannelsTests {

	@Test
	void matchesByAddressOrHostNameAndPort() throws Exception {
		InetSocketAddress resolved = new InetSocketAddress(InetAddress.getByAddress("redis-1", new byte[] { 10, 0, 0, 7 }),
				6379);
		assertThat(RedisChannels.isAddress(resolved, "10.0.0.7", 6379)).isTrue();
		assertThat(RedisChannels.isAddress(resolved, "redis-1", 6379)).isTrue();
		assertThat(RedisChannels.isAddress(resolved, "REDIS-1", 6379)).isTrue();
		assertThat(RedisChannels.isAddress(resolved, "10.0.0.7", 6380)).isFalse();
		assertThat(RedisChannels.isAddress(resolved, "10.0.0.8", 6379)).isFalse();
		assertThat(RedisChannels.isAddress(InetSocketAddress.createUnresolved("redis-2", 6379), "redis-2", 6379))
			.isTrue();
	}

	@Test
	void nothingToDisconnectWithoutChannels() {
		RedisChannels channels = new RedisChannels();
		assertThat(channels.size()).isZero();
		assertThat(channels.disconnect("127.0.0.1", 6379)).isZero();
	}

}
