/**
 * Orders and checkout. A checkout holds a distributed lock per order and writes the order row with the
 * lock's fencing token, so a holder whose lease ran out (a long pause) cannot overwrite the work of the
 * holder that came after it. A paid order becomes an event on a Redis stream.
 */
@NullMarked
package dev.redispatterns.sample.orders;

import org.jspecify.annotations.NullMarked;
