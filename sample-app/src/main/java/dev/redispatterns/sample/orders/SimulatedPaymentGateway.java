package dev.redispatterns.sample.orders;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import dev.redispatterns.ratelimit.RateLimited;

/**
 * Stands in for a payment provider: takes {@code shop.payment.latency} per charge and deduplicates by
 * idempotency key. The provider accepts only so many charges per second from the whole shop; a charge over
 * that waits its turn (a second at most) instead of failing the checkout.
 */
@Component
public class SimulatedPaymentGateway implements PaymentGateway {

	private final Duration latency;

	/** Payment references by idempotency key, the most recent ones (a provider keeps them for a while). */
	private final Map<String, String> payments = Collections.synchronizedMap(new LinkedHashMap<>() {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
			return size() > 10_000;
		}

	});

	private final AtomicLong calls = new AtomicLong();

	public SimulatedPaymentGateway(@Value("${shop.payment.latency:0ms}") Duration latency) {
		this.latency = latency;
	}

	@Override
	@RateLimited(value = "payment-provider", waitTime = "2s")
	public String charge(String username, long amountCents, String idempotencyKey) {
		this.calls.incrementAndGet();
		try {
			Thread.sleep(this.latency.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Payment interrupted", ex);
		}
		return this.payments.computeIfAbsent(idempotencyKey, (key) -> "pay_" + UUID.randomUUID());
	}

	/** Charge requests received. */
	public long calls() {
		return this.calls.get();
	}

}
