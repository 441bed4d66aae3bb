package dev.redispatterns.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts what caches report, by event name ("request.HIT", "wait.VALUE", "load.success", ...).
 */
public class RecordingCacheListener implements CacheListener {

	private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

	private volatile Consumer<Result> onRequest = (result) -> {
	};

	/**
	 * Runs {@code hook} on the requesting thread whenever a request is reported; a read from Redis reports
	 * its result before it fills the near cache, so a test can hold a read right there.
	 */
	public void onRequest(Consumer<Result> hook) {
		this.onRequest = hook;
	}

	public long count(String event) {
		AtomicLong count = this.counts.get(event);
		return (count != null) ? count.get() : 0;
	}

	public void reset() {
		this.counts.clear();
	}

	private void add(String event) {
		this.counts.computeIfAbsent(event, (key) -> new AtomicLong()).incrementAndGet();
	}

	@Override
	public void onRequest(String cache, Result result) {
		add("request." + result);
		this.onRequest.accept(result);
	}

	@Override
	public void onLoad(String cache, long nanos, boolean success) {
		add(success ? "load.success" : "load.failure");
	}

	@Override
	public void onStampedeWait(String cache, long nanos, WaitOutcome outcome) {
		add("wait." + outcome);
	}

	@Override
	public void onRefresh(String cache, RefreshOutcome outcome) {
		add("refresh." + outcome);
	}

	@Override
	public void onEviction(String cache, boolean all) {
		add(all ? "eviction.all" : "eviction.key");
	}

	@Override
	public void onDecodeFailure(String cache, DecodeFailure reason) {
		add("decode." + reason);
	}

	@Override
	public void onUnavailable(String cache, Operation operation) {
		add("unavailable." + operation);
	}

	@Override
	public String toString() {
		return this.counts.toString();
	}

}
