package dev.redispatterns.sample.orders;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An order with its lines.
 * @param id the order id
 * @param username who ordered
 * @param status {@code NEW} or {@code PAID}
 * @param totalCents total in cents
 * @param fence fencing token of the last lock holder that wrote it
 * @param paymentId payment reference once paid
 * @param createdAt when it was created
 * @param paidAt when it was paid
 * @param lines what was ordered
 */
public record Order(long id, String username, String status, long totalCents, long fence, @Nullable String paymentId,
		Instant createdAt, @Nullable Instant paidAt, List<OrderLine> lines) {

	public static final String NEW = "NEW";

	public static final String PAID = "PAID";

	public boolean isPaid() {
		return PAID.equals(this.status);
	}

	/**
	 * One line of an order.
	 * @param productId the product
	 * @param quantity how many
	 * @param priceCents unit price when ordered
	 */
	public record OrderLine(long productId, int quantity, long priceCents) {
	}

}
