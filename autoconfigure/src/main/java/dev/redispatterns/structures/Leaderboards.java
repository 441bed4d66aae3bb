package dev.redispatterns.structures;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;

/**
 * Leaderboards on Redis sorted sets, by name: {@code leaderboards.board("weekly-score").submitBest("ann", 42)}.
 * Each name has its {@link LeaderboardPolicy} (configured ones, else the defaults); time-boxed boards
 * get one key per period, chosen with the clock (and its zone) given here.
 * <p>
 * Ordering rule: by score (higher or lower first, per board), then by member name in ascending byte
 * order (UTF-8). The rank of a member is its position in that order, from 1, so ranks, pages, top lists
 * and "around me" always agree and no two members share a rank.
 */
public final class Leaderboards {

	final RedisConnector connector;

	final ScriptExecutor scripts;

	final StructuresListener listener;

	private final RedisKeys keys;

	private final Map<String, LeaderboardPolicy> boards;

	private final LeaderboardPolicy defaults;

	private final Clock clock;

	/**
	 * @param boards settings of named boards
	 * @param defaults settings of every other board
	 * @param clock decides the current period; its zone decides where days start
	 */
	public Leaderboards(RedisConnector connector, ScriptExecutor scripts, RedisKeys keys,
			Map<String, LeaderboardPolicy> boards, LeaderboardPolicy defaults, Clock clock,
			StructuresListener listener) {
		this.connector = connector;
		this.scripts = scripts;
		this.keys = keys;
		this.boards = Map.copyOf(boards);
		this.defaults = defaults;
		this.clock = clock;
		this.listener = listener;
	}

	/** Default settings for every board, UTC days, no metrics. */
	public Leaderboards(RedisConnector connector, ScriptExecutor scripts, RedisKeys keys) {
		this(connector, scripts, keys, Map.of(), LeaderboardPolicy.defaults(), Clock.systemUTC(),
				StructuresListener.NONE);
	}

	/** The board {@code name} for the current period. */
	public Leaderboard board(String name) {
		return board(name, LocalDate.now(this.clock));
	}

	/** The board {@code name} for the period containing {@code day} (ignored by all-time boards). */
	public Leaderboard board(String name, LocalDate day) {
		StructureNames.check("leaderboard", name);
		LeaderboardPolicy settings = settings(name);
		Period period = settings.period();
		if (period == Period.NONE) {
			return new Leaderboard(this, name, this.keys.key("lb", name), settings, null, 0);
		}
		LocalDate start = period.start(day);
		long expireAt = period.end(day, this.clock.getZone()).plus(settings.retention()).toEpochMilli();
		String key = this.keys.key("lb", name, period.label(day));
		return new Leaderboard(this, name, key, settings, start, expireAt);
	}

	/** The settings of board {@code name}. */
	public LeaderboardPolicy settings(String name) {
		return this.boards.getOrDefault(name, this.defaults);
	}

}
