package dev.redispatterns.structures;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.data.redis.connection.ReturnType;

import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.structures.StructuresListener.Structure;

/**
 * One unique counter: a HyperLogLog per period (or one for all time). Adding is one round trip per call
 * (up to {@value #BATCH} items; larger collections are split); counting any range of periods is one
 * {@code PFCOUNT}. Obtain it from {@link UniqueCounters}; it is cheap, immutable and thread-safe.
 */
public final class UniqueCounter {

	/** Most items sent in one call. */
	public static final int BATCH = 1000;

	/** Most periods one count or merge may span. */
	public static final int MAX_PERIODS = 400;

	private static final LuaScript ADD = LuaScript.load(UniqueCounter.class, "hll_add.lua");

	private static final LuaScript MERGE = LuaScript.load(UniqueCounter.class, "hll_merge.lua");

	private final UniqueCounters owner;

	private final String name;

	private final RedisKeys.SlotGroup keys;

	private final UniqueCounterPolicy settings;

	UniqueCounter(UniqueCounters owner, String name, RedisKeys.SlotGroup keys, UniqueCounterPolicy settings) {
		this.owner = owner;
		this.name = name;
		this.keys = keys;
		this.settings = settings;
	}

	public String name() {
		return this.name;
	}

	public UniqueCounterPolicy settings() {
		return this.settings;
	}

	/**
	 * Counts items in the current period.
	 * @return whether the estimate may have changed (some item was probably new)
	 */
	public boolean add(String... items) {
		return add(Arrays.asList(items));
	}

	/** Counts items in the current period. */
	public boolean add(Collection<String> items) {
		return addAt(today(), items);
	}

	/** Counts items in the period containing {@code day}. */
	public boolean addAt(LocalDate day, Collection<String> items) {
		if (items.isEmpty()) {
			return false;
		}
		byte[][] key = { bytes(periodKey(day)) };
		byte[] expireAt = ScriptExecutor.arg(expiry(day));
		return timed("add", () -> {
			boolean changed = false;
			List<String> all = new ArrayList<>(items);
			for (int from = 0; from < all.size(); from += BATCH) {
				List<String> chunk = all.subList(from, Math.min(from + BATCH, all.size()));
				byte[][] args = new byte[chunk.size() + 1][];
				args[0] = expireAt;
				for (int i = 0; i < chunk.size(); i++) {
					args[i + 1] = bytes(chunk.get(i));
				}
				Long reply = this.owner.scripts.call(ADD, ReturnType.INTEGER, key, args);
				changed |= reply > 0;
			}
			return changed;
		});
	}

	/** Estimated distinct items in the current period. */
	public long count() {
		return count(today());
	}

	/** Estimated distinct items in the period containing {@code day}. */
	public long count(LocalDate day) {
		return timed("count", () -> pfcount(List.of(periodKey(day))));
	}

	/**
	 * Estimated distinct items over every period from the one containing {@code from} to the one containing
	 * {@code to}: an item seen on several days counts once.
	 */
	public long countBetween(LocalDate from, LocalDate to) {
		List<String> sources = periodKeys(from, to);
		return timed("count", () -> pfcount(sources));
	}

	/**
	 * Stores the union of the periods from {@code from} to {@code to} as roll-up {@code rollup} (for example
	 * the days of a week as {@code "2026-W18"}), which outlives the daily buckets it came from by the
	 * retention time after its last period ends.
	 * @return the roll-up's estimate
	 */
	public long merge(String rollup, LocalDate from, LocalDate to) {
		StructureNames.check("roll-up", rollup);
		List<String> sources = periodKeys(from, to);
		byte[][] keys = new byte[sources.size() + 1][];
		keys[0] = bytes(rollupKey(rollup));
		for (int i = 0; i < sources.size(); i++) {
			keys[i + 1] = bytes(sources.get(i));
		}
		byte[] expireAt = ScriptExecutor.arg(expiry(to));
		return timed("merge", () -> this.owner.scripts.<Long>call(MERGE, ReturnType.INTEGER, keys, expireAt));
	}

	/** Merges the days of the ISO week containing {@code day} into the roll-up named after the week. */
	public long mergeWeek(LocalDate day) {
		LocalDate monday = Period.WEEKLY.start(day);
		return merge(Period.WEEKLY.label(day), monday, monday.plusDays(6));
	}

	/** The estimate stored under roll-up {@code rollup}; 0 if it does not exist (any more). */
	public long rollupCount(String rollup) {
		StructureNames.check("roll-up", rollup);
		return timed("count", () -> pfcount(List.of(rollupKey(rollup))));
	}

	private long pfcount(List<String> keys) {
		byte[][] raw = keys.stream().map(UniqueCounter::bytes).toArray(byte[][]::new);
		return this.owner.connector.await(this.owner.connector.commands().pfcount(raw));
	}

	private String periodKey(LocalDate day) {
		Period period = this.settings.period();
		return (period == Period.NONE) ? this.keys.key() : this.keys.key(period.label(day));
	}

	private String rollupKey(String rollup) {
		return this.keys.key("r:" + rollup);
	}

	private List<String> periodKeys(LocalDate from, LocalDate to) {
		Period period = this.settings.period();
		if (period == Period.NONE) {
			throw new IllegalStateException("Unique counter '" + this.name + "' has no periods to combine");
		}
		if (to.isBefore(from)) {
			throw new IllegalArgumentException("'to' must not be before 'from'");
		}
		List<String> keys = new ArrayList<>();
		for (LocalDate day = period.start(from); !day.isAfter(to); day = period.next(day)) {
			if (keys.size() == MAX_PERIODS) {
				throw new IllegalArgumentException("At most " + MAX_PERIODS + " periods can be combined");
			}
			keys.add(this.keys.key(period.label(day)));
		}
		return keys;
	}

	private long expiry(LocalDate day) {
		Period period = this.settings.period();
		if (period == Period.NONE) {
			return 0;
		}
		return period.end(day, this.owner.clock.getZone()).plus(this.settings.retention()).toEpochMilli();
	}

	private LocalDate today() {
		return LocalDate.now(this.owner.clock);
	}

	private <T> T timed(String operation, Supplier<T> action) {
		return TimedOperations.timed(this.owner.listener, Structure.UNIQUE_COUNTER, this.name, operation, action);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
