package dev.redispatterns.sample.orders;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A checkout's lock ran out before it wrote the order and a newer holder claimed the order meanwhile:
 * the fencing token was refused and this checkout's changes were rolled back.
 */
public class StaleCheckoutException extends ResponseStatusException {

	public StaleCheckoutException(long orderId, long fence) {
		super(HttpStatus.CONFLICT, "Order " + orderId + " was claimed by a newer lock holder; write with fencing token " + fence
				+ " refused");
	}

}
