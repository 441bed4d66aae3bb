package dev.redispatterns.sample.notifications;

import java.time.Duration;

import org.springframework.stereotype.Component;

import dev.redispatterns.messaging.IdempotencyGuard;
import dev.redispatterns.messaging.StreamGroupListener;
import dev.redispatterns.sample.orders.OrderPaid;
import dev.redispatterns.structures.Leaderboards;

/**
 * Credits each paid order to the top-customers leaderboard: a second consumer group on the same stream,
 * which reads every entry independently of the mail worker. A redelivered entry must not count twice, and
 * the leaderboard has no unique key to lean on, so the increment runs under an {@link IdempotencyGuard}.
 */
@Component
public class LoyaltyWorker {

	/** The leaderboard of customers by money spent (euros). */
	public static final String TOP_CUSTOMERS = "top-customers";

	private final Leaderboards leaderboards;

	private final IdempotencyGuard once;

	LoyaltyWorker(Leaderboards leaderboards, IdempotencyGuard once) {
		this.leaderboards = leaderboards;
		this.once = once;
	}

	@StreamGroupListener(stream = OrderPaid.STREAM, group = "loyalty")
	void orderPaid(OrderPaid order) {
		this.once.runOnce("loyalty:order:" + order.orderId(), Duration.ofDays(7), () -> this.leaderboards
			.board(TOP_CUSTOMERS)
			.increment(order.username(), order.totalCents() / 100.0));
	}

}
