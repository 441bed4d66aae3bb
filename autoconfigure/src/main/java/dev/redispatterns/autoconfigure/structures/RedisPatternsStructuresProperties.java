package dev.redispatterns.autoconfigure.structures;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.redispatterns.structures.LeaderboardPolicy;
import dev.redispatterns.structures.Period;

/**
 * Leaderboards, unique counters, counters and write-behind counters. Each service has shared settings
 * ({@code leaderboard.*}, ...) and per-name overrides ({@code leaderboards.<name>.*}, ...); names without
 * overrides use the shared settings.
 */
@ConfigurationProperties("redis.patterns.structures")
public class RedisPatternsStructuresProperties {

	/**
	 * Whether the data-structure services (leaderboards, unique counters, counters, write-behind counters)
	 * are available as beans.
	 */
	private boolean enabled = true;

	/**
	 * Time zone in which the days, weeks and months of time-boxed leaderboards and unique counters start.
	 */
	private String zone = "UTC";

	private final Leaderboard leaderboard = new Leaderboard();

	/**
	 * Per-board overrides of the leaderboard settings, by board name.
	 */
	private Map<String, LeaderboardPolicyProperties> leaderboards = new LinkedHashMap<>();

	private final UniqueCounter uniqueCounter = new UniqueCounter();

	/**
	 * Per-counter overrides of the unique counter settings, by counter name.
	 */
	private Map<String, UniqueCounterPolicyProperties> uniqueCounters = new LinkedHashMap<>();

	private final Counter counter = new Counter();

	/**
	 * Per-counter overrides of the counter settings, by counter name.
	 */
	private Map<String, CounterPolicyProperties> counters = new LinkedHashMap<>();

	private final WriteBehind writeBehind = new WriteBehind();

	/**
	 * Per-counter overrides of the write-behind settings, by counter name.
	 */
	private Map<String, WriteBehindPolicyProperties> writeBehindCounters = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getZone() {
		return this.zone;
	}

	public void setZone(String zone) {
		this.zone = zone;
	}

	public Leaderboard getLeaderboard() {
		return this.leaderboard;
	}

	public Map<String, LeaderboardPolicyProperties> getLeaderboards() {
		return this.leaderboards;
	}

	public void setLeaderboards(Map<String, LeaderboardPolicyProperties> leaderboards) {
		this.leaderboards = leaderboards;
	}

	public UniqueCounter getUniqueCounter() {
		return this.uniqueCounter;
	}

	public Map<String, UniqueCounterPolicyProperties> getUniqueCounters() {
		return this.uniqueCounters;
	}

	public void setUniqueCounters(Map<String, UniqueCounterPolicyProperties> uniqueCounters) {
		this.uniqueCounters = uniqueCounters;
	}

	public Counter getCounter() {
		return this.counter;
	}

	public Map<String, CounterPolicyProperties> getCounters() {
		return this.counters;
	}

	public void setCounters(Map<String, CounterPolicyProperties> counters) {
		this.counters = counters;
	}

	public WriteBehind getWriteBehind() {
		return this.writeBehind;
	}

	public Map<String, WriteBehindPolicyProperties> getWriteBehindCounters() {
		return this.writeBehindCounters;
	}

	public void setWriteBehindCounters(Map<String, WriteBehindPolicyProperties> writeBehindCounters) {
		this.writeBehindCounters = writeBehindCounters;
	}

	/**
	 * Settings shared by every leaderboard.
	 */
	public static class Leaderboard {

		/**
		 * Which scores rank first: 'higher-first' (points) or 'lower-first' (times). Equal scores are
		 * ordered by member name.
		 */
		private LeaderboardPolicy.Order order = LeaderboardPolicy.Order.HIGHER_FIRST;

		/**
		 * One board for all time ('none') or one per 'daily', 'weekly' (ISO) or 'monthly' period.
		 */
		private Period period = Period.NONE;

		/**
		 * How long the board of a finished period stays readable before it expires.
		 */
		private Duration retention = Duration.ofDays(7);

		/**
		 * Most members a board keeps; the worst are dropped on each write. 0 keeps every member.
		 */
		private int maxEntries = 0;

		public LeaderboardPolicy.Order getOrder() {
			return this.order;
		}

		public void setOrder(LeaderboardPolicy.Order order) {
			this.order = order;
		}

		public Period getPeriod() {
			return this.period;
		}

		public void setPeriod(Period period) {
			this.period = period;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

	}

	/**
	 * Settings of one leaderboard; unset ones come from 'redis.patterns.structures.leaderboard'.
	 */
	public static class LeaderboardPolicyProperties {

		/**
		 * Which scores rank first: 'higher-first' or 'lower-first'.
		 */
		private LeaderboardPolicy.@Nullable Order order;

		/**
		 * One board for all time ('none') or one per 'daily', 'weekly' or 'monthly' period.
		 */
		private @Nullable Period period;

		/**
		 * How long the board of a finished period stays readable.
		 */
		private @Nullable Duration retention;

		/**
		 * Most members the board keeps; 0 keeps every member.
		 */
		private @Nullable Integer maxEntries;

		public LeaderboardPolicy.@Nullable Order getOrder() {
			return this.order;
		}

		public void setOrder(LeaderboardPolicy.@Nullable Order order) {
			this.order = order;
		}

		public @Nullable Period getPeriod() {
			return this.period;
		}

		public void setPeriod(@Nullable Period period) {
			this.period = period;
		}

		public @Nullable Duration getRetention() {
			return this.retention;
		}

		public void setRetention(@Nullable Duration retention) {
			this.retention = retention;
		}

		public @Nullable Integer getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(@Nullable Integer maxEntries) {
			this.maxEntries = maxEntries;
		}

	}

	/**
	 * Settings shared by every unique counter.
	 */
	public static class UniqueCounter {

		/**
		 * One HyperLogLog for all time ('none') or one per 'daily', 'weekly' or 'monthly' period.
		 */
		private Period period = Period.DAILY;

		/**
		 * How long the HyperLogLog of a finished period, and roll-ups made from it, stay readable.
		 */
		private Duration retention = Duration.ofDays(35);

		public Period getPeriod() {
			return this.period;
		}

		public void setPeriod(Period period) {
			this.period = period;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

	}

	/**
	 * Settings of one unique counter; unset ones come from 'redis.patterns.structures.unique-counter'.
	 */
	public static class UniqueCounterPolicyProperties {

		/**
		 * One HyperLogLog for all time ('none') or one per 'daily', 'weekly' or 'monthly' period.
		 */
		private @Nullable Period period;

		/**
		 * How long the HyperLogLog of a finished period stays readable.
		 */
		private @Nullable Duration retention;

		public @Nullable Period getPeriod() {
			return this.period;
		}

		public void setPeriod(@Nullable Period period) {
			this.period = period;
		}

		public @Nullable Duration getRetention() {
			return this.retention;
		}

		public void setRetention(@Nullable Duration retention) {
			this.retention = retention;
		}

	}

	/**
	 * Settings shared by every counter family.
	 */
	public static class Counter {

		/**
		 * How long a counter lives; 0 keeps it until deleted.
		 */
		private Duration timeToLive = Duration.ofDays(1);

		/**
		 * Whether every increment restarts the time to live (idle timeout) instead of it running from the
		 * counter's creation (fixed window, as for a daily quota).
		 */
		private boolean sliding = false;

		public Duration getTimeToLive() {
			return this.timeToLive;
		}

		public void setTimeToLive(Duration timeToLive) {
			this.timeToLive = timeToLive;
		}

		public boolean isSliding() {
			return this.sliding;
		}

		public void setSliding(boolean sliding) {
			this.sliding = sliding;
		}

	}

	/**
	 * Settings of one counter family; unset ones come from 'redis.patterns.structures.counter'.
	 */
	public static class CounterPolicyProperties {

		/**
		 * How long a counter lives; 0 keeps it until deleted.
		 */
		private @Nullable Duration timeToLive;

		/**
		 * Whether every increment restarts the time to live.
		 */
		private @Nullable Boolean sliding;

		public @Nullable Duration getTimeToLive() {
			return this.timeToLive;
		}

		public void setTimeToLive(@Nullable Duration timeToLive) {
			this.timeToLive = timeToLive;
		}

		public @Nullable Boolean getSliding() {
			return this.sliding;
		}

		public void setSliding(@Nullable Boolean sliding) {
			this.sliding = sliding;
		}

	}

	/**
	 * Settings shared by every write-behind counter.
	 */
	public static class WriteBehind {

		/**
		 * Time between flushes of a write-behind counter into its sink.
		 */
		private Duration flushInterval = Duration.ofSeconds(10);

		/**
		 * How long a flushing instance owns a batch; a batch not acknowledged by then is handed to another
		 * instance. Keep it well above the sink's worst duration.
		 */
		private Duration leaseTime = Duration.ofSeconds(30);

		/**
		 * How long pending deltas survive in Redis when no instance flushes them.
		 */
		private Duration retention = Duration.ofDays(7);

		/**
		 * Longest time the final flush may take when the application stops.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		public Duration getFlushInterval() {
			return this.flushInterval;
		}

		public void setFlushInterval(Duration flushInterval) {
			this.flushInterval = flushInterval;
		}

		public Duration getLeaseTime() {
			return this.leaseTime;
		}

		public void setLeaseTime(Duration leaseTime) {
			this.leaseTime = leaseTime;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

	/**
	 * Settings of one write-behind counter; unset ones come from 'redis.patterns.structures.write-behind'.
	 */
	public static class WriteBehindPolicyProperties {

		/**
		 * Time between flushes into the sink.
		 */
		private @Nullable Duration flushInterval;

		/**
		 * How long a flushing instance owns a batch.
		 */
		private @Nullable Duration leaseTime;

		/**
		 * How long pending deltas survive when no instance flushes them.
		 */
		private @Nullable Duration retention;

		public @Nullable Duration getFlushInterval() {
			return this.flushInterval;
		}

		public void setFlushInterval(@Nullable Duration flushInterval) {
			this.flushInterval = flushInterval;
		}

		public @Nullable Duration getLeaseTime() {
			return this.leaseTime;
		}

		public void setLeaseTime(@Nullable Duration leaseTime) {
			this.leaseTime = leaseTime;
		}

		public @Nullable Duration getRetention() {
			return this.retention;
		}

		public void setRetention(@Nullable Duration retention) {
			this.retention = retention;
		}

	}

}
