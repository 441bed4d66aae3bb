package dev.redispatterns.ratelimit;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The state of one bucket as a request of one permit would see it now, read without changing it: for
 * support staff asking "why is this client limited, and until when".
 *
 * @param policy the policy name
 * @param key the bucket's key (for example a user id), as given to the limiter
 * @param exists whether Redis holds state for the bucket (no state: the full limit is available)
 * @param limit permits per window (token bucket: capacity)
 * @param remaining permits available now
 * @param resetAfter time until the full limit is available again
 * @param timeToLive time until Redis drops the bucket's key, {@code null} when it does not exist
 */
public record RateLimitState(String policy, String key, boolean exists, long limit, long remaining,
		Duration resetAfter, @Nullable Duration timeToLive) {

}
