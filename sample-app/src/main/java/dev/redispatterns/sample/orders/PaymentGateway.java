package dev.redispatterns.sample.orders;

/**
 * Takes payments from a payment provider. Providers deduplicate by idempotency key, so retrying a charge
 * for the same order never charges twice.
 */
public interface PaymentGateway {

	/**
	 * Charges {@code amountCents} to the customer.
	 * @param idempotencyKey the same key for every attempt at the same payment
	 * @return the provider's payment reference
	 */
	String charge(String username, long amountCents, String idempotencyKey);

}
