package dev.redispatterns.messaging;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A stream that stays beyond its {@code max-length} or {@code max-age} because a consumer group has not
 * acknowledged its oldest entries: the starter never trims those, so the stream grows until the group
 * catches up (or is removed with {@code XGROUP DESTROY}).
 * @param stream the stream's name
 * @param length entries in the stream after the last trim
 * @param maxLength the configured length bound (0: none)
 * @param maxAge the configured age bound, or null
 * @param group the group holding the oldest entry still needed (another application's group included)
 * @param neededFrom the oldest id that group still needs: its oldest pending id or the id after its last
 * delivered one
 * @param since when this publisher first saw the stream held beyond its bounds
 */
public record StreamRetentionWarning(String stream, long length, long maxLength, @Nullable Duration maxAge,
		String group, String neededFrom, Instant since) {

}
