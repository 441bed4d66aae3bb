package dev.redispatterns.sample.orders;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A product of the order ran out before checkout.
 */
public class OutOfStockException extends ResponseStatusException {

	public OutOfStockException(long productId) {
		super(HttpStatus.CONFLICT, "Product " + productId + " is out of stock");
	}

}
