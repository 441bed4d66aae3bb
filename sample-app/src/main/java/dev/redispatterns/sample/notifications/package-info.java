/**
 * What happens after an order is paid: the order event stream is consumed by two consumer groups (a mail
 * worker and a loyalty worker, each at least once, made idempotent), and live notifications travel over
 * pub/sub to every instance, which pushes them to browsers with Server-Sent Events.
 */
@NullMarked
package dev.redispatterns.sample.notifications;

import org.jspecify.annotations.NullMarked;
