package dev.redispatterns.sample;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.redispatterns.sample.orders.PaymentGateway;
import dev.redispatterns.sample.orders.SimulatedPaymentGateway;

/**
 * The simulated payment provider, plus a gate the tests can close to freeze the next charge, the way a
 * long GC pause or a slow provider would freeze a checkout while it holds the order's lock.
 */
final class GatedPaymentGateway implements PaymentGateway {

	private final SimulatedPaymentGateway delegate;

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicReference<Gate> nextGate = new AtomicReference<>();

	GatedPaymentGateway(SimulatedPaymentGateway delegate) {
		this.delegate = delegate;
	}

	@Override
	public String charge(String username, long amountCents, String idempotencyKey) {
		this.calls.incrementAndGet();
		Gate gate = this.nextGate.getAndSet(null);
		if (gate != null) {
			gate.entered.countDown();
			try {
				if (!gate.open.await(60, TimeUnit.SECONDS)) {
					throw new IllegalStateException("The test never opened the gate");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		return this.delegate.charge(username, amountCents, idempotencyKey);
	}

	/** Freezes the next charge until {@link Gate#open()}. */
	Gate freezeNextCharge() {
		Gate gate = new Gate();
		this.nextGate.set(gate);
		return gate;
	}

	int calls() {
		return this.calls.get();
	}

	static final class Gate {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch open = new CountDownLatch(1);

		boolean awaitEntered() throws InterruptedException {
			return this.entered.await(30, TimeUnit.SECONDS);
		}

		void open() {
			this.open.countDown();
		}

	}

}
