package dev.redispatterns.structures;

/**
 * A member's place on a leaderboard.
 * @param rank position, from 1; no two members share a rank (equal scores are ordered by member name)
 * @param member the member
 * @param score its score
 */
public record Ranked(long rank, String member, double score) {
}
