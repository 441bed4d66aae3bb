package dev.redispatterns.structures;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.springframework.data.redis.connection.ReturnType;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.PatternCommands.ScoredMember;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.structures.StructuresListener.Structure;

/**
 * One leaderboard (for one period, if time-boxed): a Redis sorted set. Every operation is one round trip,
 * atomic (a Lua script where it takes more than one command). Obtain it from {@link Leaderboards}; it is
 * cheap, immutable and thread-safe.
 * <p>
 * Scores are stored so that ascending set order is board order: negated when higher scores rank first.
 * Members with equal scores then sort by name in ascending byte order, and a member's rank is its
 * {@code ZRANK} plus one. A board stays bounded by its members (for example the users of the application),
 * by {@code maxEntries} when set (the worst entries are dropped on each write), and, when time-boxed, by
 * expiring a retention time after its period ends.
 */
public final class Leaderboard {

	private static final LuaScript SUBMIT = LuaScript.load(Leaderboard.class, "lb_submit.lua");

	private static final LuaScript ENTRY = LuaScript.load(Leaderboard.class, "lb_entry.lua");

	private static final LuaScript AROUND = LuaScript.load(Leaderboard.class, "lb_around.lua");

	private static final LuaScript PAGE = LuaScript.load(Leaderboard.class, "lb_page.lua");

	private static final byte[] SET = ScriptExecutor.arg("set");

	private static final byte[] INCR = ScriptExecutor.arg("incr");

	private static final byte[] BEST = ScriptExecutor.arg("best");

	private final Leaderboards owner;

	private final String name;

	private final String key;

	private final byte[] keyBytes;

	private final LeaderboardPolicy settings;

	private final @Nullable LocalDate periodStart;

	private final byte[] expireAt;

	private final byte[] maxEntries;

	private final boolean negate;

	Leaderboard(Leaderboards owner, String name, String key, LeaderboardPolicy settings,
			@Nullable LocalDate periodStart, long expireAt) {
		this.owner = owner;
		this.name = name;
		this.key = key;
		this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
		this.settings = settings;
		this.periodStart = periodStart;
		this.expireAt = ScriptExecutor.arg(expireAt);
		this.maxEntries = ScriptExecutor.arg(settings.maxEntries());
		this.negate = settings.order() == LeaderboardPolicy.Order.HIGHER_FIRST;
	}

	public String name() {
		return this.name;
	}

	/** The Redis key of this board. */
	public String key() {
		return this.key;
	}

	/** First day of this board's period; empty for an all-time board. */
	public Optional<LocalDate> periodStart() {
		return Optional.ofNullable(this.periodStart);
	}

	public LeaderboardPolicy settings() {
		return this.settings;
	}

	/** Sets a member's score, replacing any previous one. */
	public Submission submit(String member, double score) {
		return write("submit", SET, member, score);
	}

	/** Adds {@code delta} (which may be negative) to a member's score; a new member starts from 0. */
	public Submission increment(String member, double delta) {
		return write("increment", INCR, member, delta);
	}

	/**
	 * Keeps the better of the member's current score and {@code score} (higher or lower, by the board's
	 * order), atomically: concurrent submissions never lose the best one.
	 */
	public Submission submitBest(String member, double score) {
		return write("submit-best", BEST, member, score);
	}

	/** The best {@code count} members, best first. */
	public List<Ranked> top(int count) {
		if (count <= 0) {
			throw new IllegalArgumentException("count must be positive");
		}
		return timed("top", () -> {
			List<ScoredMember> values = this.owner.connector
				.await(this.owner.connector.commands().zrangeWithScores(this.keyBytes, 0, count - 1L));
			List<Ranked> ranked = new ArrayList<>(values.size());
			for (int i = 0; i < values.size(); i++) {
				ScoredMember value = values.get(i);
				ranked.add(new Ranked(i + 1L, text(value.member()), real(value.score())));
			}
			return ranked;
		});
	}

	/** Page {@code page} (from 1) of {@code size} members, with the board's size, read atomically. */
	public LeaderboardPage page(int page, int size) {
		if (page < 1 || size < 1) {
			throw new IllegalArgumentException("page and size must be positive");
		}
		long first = (long) (page - 1) * size;
		return timed("page", () -> {
			List<Object> reply = this.owner.scripts.call(PAGE, ReturnType.MULTI, new byte[][] { this.keyBytes },
					ScriptExecutor.arg(first), ScriptExecutor.arg(first + size - 1));
			@SuppressWarnings("unchecked")
			List<Object> values = (List<Object>) reply.get(1);
			return new LeaderboardPage(entries(values, first), page, size, (Long) reply.get(0));
		});
	}

	/** A member's rank and score; empty if it is not on the board. */
	public Optional<Ranked> entry(String member) {
		return timed("entry", () -> {
			List<Object> reply = this.owner.scripts.call(ENTRY, ReturnType.MULTI, new byte[][] { this.keyBytes },
					utf8(member));
			if (reply.isEmpty()) {
				return Optional.empty();
			}
			return Optional.of(new Ranked((Long) reply.get(0) + 1, member, real(parse((byte[]) reply.get(1)))));
		});
	}

	/**
	 * The member and up to {@code radius} members on each side of it ("around me"), best first; empty if it
	 * is not on the board.
	 */
	public List<Ranked> around(String member, int radius) {
		if (radius < 0) {
			throw new IllegalArgumentException("radius must not be negative");
		}
		return timed("around", () -> {
			List<Object> reply = this.owner.scripts.call(AROUND, ReturnType.MULTI, new byte[][] { this.keyBytes },
					utf8(member), ScriptExecutor.arg(radius));
			if (reply.isEmpty()) {
				return List.of();
			}
			@SuppressWarnings("unchecked")
			List<Object> values = (List<Object>) reply.get(1);
			return entries(values, (Long) reply.get(0));
		});
	}

	/** How many members the board has. */
	public long size() {
		return timed("size", () -> this.owner.connector.await(this.owner.connector.commands().zcard(this.keyBytes)));
	}

	/** Takes a member off the board; {@code true} if it was on it. */
	public boolean remove(String member) {
		return timed("remove",
				() -> this.owner.connector.await(this.owner.connector.commands().zrem(this.keyBytes, utf8(member))) > 0);
	}

	/** Deletes the whole board. */
	public void clear() {
		timed("clear", () -> this.owner.connector.await(this.owner.connector.commands().unlink(this.keyBytes)));
	}

	private Submission write(String operation, byte[] mode, String member, double score) {
		if (!Double.isFinite(score)) {
			throw new IllegalArgumentException("Scores must be finite numbers");
		}
		if (member.isEmpty()) {
			throw new IllegalArgumentException("Members must not be empty");
		}
		return timed(operation, () -> {
			List<Object> reply = this.owner.scripts.call(SUBMIT, ReturnType.MULTI, new byte[][] { this.keyBytes },
					mode, ScriptExecutor.arg(Double.toString(stored(score))), utf8(member), this.expireAt,
					this.maxEntries);
			boolean changed = ((Long) reply.get(0)) > 0;
			long rank = (Long) reply.get(1);
			if (rank < 0) {
				return new Submission(changed, null);
			}
			return new Submission(changed, new Ranked(rank + 1, member, real(parse((byte[]) reply.get(2)))));
		});
	}

	private List<Ranked> entries(List<Object> values, long firstRank) {
		List<Ranked> ranked = new ArrayList<>(values.size() / 2);
		for (int i = 0; i + 1 < values.size(); i += 2) {
			ranked.add(new Ranked(firstRank + i / 2 + 1, text((byte[]) values.get(i)),
					real(parse((byte[]) values.get(i + 1)))));
		}
		return ranked;
	}

	private double stored(double score) {
		return this.negate ? -score : score;
	}

	/** Adding 0.0 turns -0.0 (a negated zero) into 0.0. */
	private double real(double stored) {
		return (this.negate ? -stored : stored) + 0.0;
	}

	private static double parse(byte[] score) {
		String text = new String(score, StandardCharsets.US_ASCII);
		return switch (text) {
			case "inf", "+inf" -> Double.POSITIVE_INFINITY;
			case "-inf" -> Double.NEGATIVE_INFINITY;
			default -> Double.parseDouble(text);
		};
	}

	private <T> T timed(String operation, Supplier<T> action) {
		return TimedOperations.timed(this.owner.listener, Structure.LEADERBOARD, this.name, operation, action);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static byte[] utf8(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
