/**
 * Auto-configuration of messaging: the publishers, the listener lifecycle, settings resolved from
 * {@code redis.patterns.messaging.*}, and metrics when Micrometer is present.
 */
@NullMarked
package dev.redispatterns.autoconfigure.messaging;

import org.jspecify.annotations.NullMarked;
