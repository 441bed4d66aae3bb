package dev.redispatterns.sample.orders;

import java.time.Instant;

/**
 * Event added to the {@value #STREAM} stream when an order is paid.
 * @param orderId the order
 * @param username who bought
 * @param totalCents amount paid in cents
 * @param paidAt when
 */
public record OrderPaid(long orderId, String username, long totalCents, Instant paidAt) {

	/** The stream of order events. */
	public static final String STREAM = "orders";

}
