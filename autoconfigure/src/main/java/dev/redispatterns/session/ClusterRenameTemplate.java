package dev.redispatterns.session;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.core.RedisTemplate;

import dev.redispatterns.core.RedisConnector;

/**
 * Spring Session renames a session's keys when its id changes. On Redis Cluster the two keys usually lie
 * in different slots, where Spring Data Redis copies the key with {@code DUMP}/{@code RESTORE} but drops
 * its time to live; this copy keeps it, so no session key lives on without expiry should the rest of the
 * save not happen.
 */
final class ClusterRenameTemplate extends RedisTemplate<String, Object> {

	private final RedisConnector connector;

	ClusterRenameTemplate(RedisConnector connector) {
		this.connector = connector;
	}

	@Override
	public void rename(String oldKey, String newKey) {
		byte[] source = oldKey.getBytes(StandardCharsets.UTF_8);
		byte[] target = newKey.getBytes(StandardCharsets.UTF_8);
		if (ClusterSlotHashUtil.calculateSlot(source) == ClusterSlotHashUtil.calculateSlot(target)) {
			super.rename(oldKey, newKey);
			return;
		}
		CompletableFuture<byte @Nullable []> dump = this.connector.commands().dump(source);
		CompletableFuture<Long> ttl = this.connector.commands().pttl(source);
		byte[] value = this.connector.await(dump);
		long millis = this.connector.await(ttl);
		if (value == null || millis == -2) {
			// gone meanwhile (expired or deleted): nothing to move, as with Spring Data Redis; a copy
			// restored after its source expired between the two reads would live on without expiry
			return;
		}
		this.connector.await(this.connector.commands().restoreReplacing(target, Math.max(millis, 0), value));
		this.connector.await(this.connector.commands().del(source));
	}

}
