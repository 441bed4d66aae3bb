package dev.redispatterns.ratelimit.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.ratelimit.RateLimitOverride;
import dev.redispatterns.ratelimit.RateLimitOverrides;

/**
 * This instance's copy of the overrides, immutable: a decision looks the key's override up first, then
 * the policy's. Expiry times from Redis were turned into deadlines on the JVM's monotonic clock when the
 * copy was read, so an expired override stops applying even before the next read.
 */
public final class OverrideSnapshot {

	static final OverrideSnapshot EMPTY = new OverrideSnapshot("", List.of());

	private final String version;

	private final Map<String, Entry> byPolicy = new HashMap<>();

	private final Map<String, Map<String, Entry>> byKey = new HashMap<>();

	private final List<Entry> entries;

	OverrideSnapshot(String version, List<Entry> entries) {
		this.version = version;
		this.entries = List.copyOf(entries);
		for (Entry entry : entries) {
			if (entry.key == null) {
				this.byPolicy.put(entry.policy, entry);
			}
			else {
				this.byKey.computeIfAbsent(entry.policy, (policy) -> new HashMap<>()).put(entry.key, entry);
			}
		}
	}

	String version() {
		return this.version;
	}

	public boolean isEmpty() {
		return this.entries.isEmpty();
	}

	/** The override in force for a key of a policy, or {@code null}. */
	public @Nullable Entry find(String policy, String key) {
		long now = System.nanoTime();
		Map<String, Entry> keys = this.byKey.get(policy);
		if (keys != null) {
			Entry entry = keys.get(key);
			if (entry != null && entry.isLive(now)) {
				return entry;
			}
		}
		Entry entry = this.byPolicy.get(policy);
		return (entry != null && entry.isLive(now)) ? entry : null;
	}

	List<RateLimitOverrides.Entry> list() {
		long now = System.nanoTime();
		List<RateLimitOverrides.Entry> live = new ArrayList<>();
		for (Entry entry : this.entries) {
			if (entry.isLive(now)) {
				Duration expiresIn = (entry.deadline == Long.MAX_VALUE) ? null : Duration.ofNanos(entry.deadline - now);
				live.add(new RateLimitOverrides.Entry(entry.policy, entry.key, entry.override, expiresIn));
			}
		}
		return Collections.unmodifiableList(live);
	}

	/** One override, with what the engine derived from it per policy variant, cached. */
	public static final class Entry {

		final String policy;

		final @Nullable String key;

		public final RateLimitOverride override;

		/** {@link System#nanoTime()} at which it expires; {@link Long#MAX_VALUE} for never. */
		final long deadline;

		private final Map<Object, Object> derived = new ConcurrentHashMap<>();

		Entry(String policy, @Nullable String key, RateLimitOverride override, long deadline) {
			this.policy = policy;
			this.key = key;
			this.override = override;
			this.deadline = deadline;
		}

		boolean isLive(long now) {
			return this.deadline == Long.MAX_VALUE || now - this.deadline < 0;
		}

		@SuppressWarnings("unchecked")
		public <T> T derive(Object variant, Function<Object, T> derivation) {
			return (T) this.derived.computeIfAbsent(variant, derivation);
		}

	}

}
