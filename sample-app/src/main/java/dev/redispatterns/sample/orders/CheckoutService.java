package dev.redispatterns.sample.orders;

import java.time.Instant;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.server.ResponseStatusException;

import dev.redispatterns.lock.DistributedLock;
import dev.redispatterns.lock.LockContext;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.sample.catalog.ProductRepository;
import dev.redispatterns.sample.catalog.ProductService;
import dev.redispatterns.sample.orders.Order.OrderLine;

/**
 * Checks an order out exactly once, whichever instance and however many browser tabs ask: the order's
 * lock serialises the attempts, the first one pays and the others find it paid. The lock alone cannot
 * stop a holder that paused past its lease (a GC pause, a frozen VM) from writing late, so each holder
 * first claims the order row with the lock's fencing token and writes it only while that token is the
 * latest: after a newer holder's claim, the paused one's write is refused and its transaction rolled back.
 */
@Service
public class CheckoutService {

	private final OrderRepository orders;

	private final ProductRepository products;

	private final ProductService catalog;

	private final PaymentGateway payments;

	private final StreamPublisher events;

	private final TransactionTemplate transactions;

	public CheckoutService(OrderRepository orders, ProductRepository products, ProductService catalog,
			PaymentGateway payments, StreamPublisher events, TransactionTemplate transactions) {
		this.orders = orders;
		this.products = products;
		this.catalog = catalog;
		this.payments = payments;
		this.events = events;
		this.transactions = transactions;
	}

	/**
	 * Pays the order once.
	 * @throws StaleCheckoutException if this call's lock ran out and a newer holder claimed the order
	 * @throws OutOfStockException if a product ran out
	 */
	@DistributedLock(name = "order-checkout", key = "#orderId") // the lock "order-checkout:<id>"
	public CheckoutResult checkout(long orderId) {
		long fence = LockContext.current().fencingToken();
		if (!this.orders.claim(orderId, fence)) {
			throw new StaleCheckoutException(orderId, fence);
		}
		Order order = this.orders.find(orderId)
			.orElseThrow(() -> new ResponseStatusException(org.springframework.http.HttpStatus.NOT_FOUND));
		if (order.isPaid()) {
			return new CheckoutResult(order, false);
		}
		String paymentId = this.payments.charge(order.username(), order.totalCents(), "order-" + orderId);
		Instant paidAt = Instant.now();
		this.transactions.executeWithoutResult((status) -> {
			for (OrderLine line : order.lines()) {
				if (!this.products.takeStock(line.productId(), line.quantity())) {
					throw new OutOfStockException(line.productId());
				}
			}
			if (!this.orders.markPaid(orderId, fence, paymentId, paidAt)) {
				throw new StaleCheckoutException(orderId, fence);
			}
		});
		// Committed: cached products show the new stock, and the event goes to the stream's consumer groups.
		order.lines().forEach((line) -> this.catalog.evict(line.productId()));
		this.events.publish(OrderPaid.STREAM, new OrderPaid(orderId, order.username(), order.totalCents(), paidAt));
		return new CheckoutResult(this.orders.find(orderId).orElseThrow(), true);
	}

	/**
	 * Outcome of a checkout.
	 * @param order the order as stored now
	 * @param paidNow whether this call paid it ({@code false}: it was paid before)
	 */
	public record CheckoutResult(Order order, boolean paidNow) {
	}

}
