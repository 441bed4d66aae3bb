package dev.redispatterns.structures;

import java.util.List;

/**
 * One page of a leaderboard.
 * @param entries the members on the page, best first
 * @param page page number, from 1
 * @param size page size
 * @param total members on the whole board when the page was read
 */
public record LeaderboardPage(List<Ranked> entries, int page, int size, long total) {

	/** Number of pages the board has. */
	public long pages() {
		return (this.total + this.size - 1) / this.size;
	}

}
