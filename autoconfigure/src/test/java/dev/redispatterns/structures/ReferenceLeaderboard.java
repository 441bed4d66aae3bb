package dev.redispatterns.structures;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory leaderboard with the documented rules, to check the Redis one against: order by score
 * (per board order), then by member in ascending UTF-8 byte order; ranks are positions from 1.
 */
final class ReferenceLeaderboard {

	private final Map<String, Double> scores = new HashMap<>();

	private final boolean higherFirst;

	private final int maxEntries;

	ReferenceLeaderboard(LeaderboardPolicy.Order order, int maxEntries) {
		this.higherFirst = order == LeaderboardPolicy.Order.HIGHER_FIRST;
		this.maxEntries = maxEntries;
	}

	Submission submit(String member, double score) {
		this.scores.put(member, score);
		return afterWrite(member, true);
	}

	Submission increment(String member, double delta) {
		this.scores.merge(member, delta, Double::sum);
		return afterWrite(member, true);
	}

	Submission submitBest(String member, double score) {
		Double current = this.scores.get(member);
		boolean better = current == null || (this.higherFirst ? score > current : score < current);
		if (better) {
			this.scores.put(member, score);
		}
		return afterWrite(member, better);
	}

	boolean remove(String member) {
		return this.scores.remove(member) != null;
	}

	List<Ranked> ordered() {
		List<Map.Entry<String, Double>> entries = new ArrayList<>(this.scores.entrySet());
		Comparator<Map.Entry<String, Double>> byScore = Comparator.comparingDouble(Map.Entry::getValue);
		if (this.higherFirst) {
			byScore = byScore.reversed();
		}
		entries.sort(byScore.thenComparing((entry) -> entry.getKey().getBytes(StandardCharsets.UTF_8),
				Arrays::compareUnsigned));
		List<Ranked> ranked = new ArrayList<>(entries.size());
		for (int i = 0; i < entries.size(); i++) {
			ranked.add(new Ranked(i + 1, entries.get(i).getKey(), entries.get(i).getValue() + 0.0));
		}
		return ranked;
	}

	List<Ranked> top(int count) {
		List<Ranked> all = ordered();
		return all.subList(0, Math.min(count, all.size()));
	}

	LeaderboardPage page(int page, int size) {
		List<Ranked> all = ordered();
		int from = Math.min((page - 1) * size, all.size());
		return new LeaderboardPage(List.copyOf(all.subList(from, Math.min(from + size, all.size()))), page, size,
				all.size());
	}

	Optional<Ranked> entry(String member) {
		return ordered().stream().filter((ranked) -> ranked.member().equals(member)).findFirst();
	}

	List<Ranked> around(String member, int radius) {
		List<Ranked> all = ordered();
		Optional<Ranked> entry = entry(member);
		if (entry.isEmpty()) {
			return List.of();
		}
		int index = (int) entry.get().rank() - 1;
		return all.subList(Math.max(0, index - radius), Math.min(all.size(), index + radius + 1));
	}

	long size() {
		return this.scores.size();
	}

	private Submission afterWrite(String member, boolean changed) {
		if (this.maxEntries > 0) {
			List<Ranked> all = ordered();
			for (int i = this.maxEntries; i < all.size(); i++) {
				this.scores.remove(all.get(i).member());
			}
		}
		return new Submission(changed, entry(member).orElse(null));
	}

}
