package dev.redispatterns.structures;

import org.jspecify.annotations.Nullable;

/**
 * Outcome of a score submission.
 * @param changed whether the stored score changed (always {@code true} for set and increment; for
 * keep-best, whether the new score was better)
 * @param entry the member's place after the write, or {@code null} if a size limit left it off the board
 */
public record Submission(boolean changed, @Nullable Ranked entry) {
}
