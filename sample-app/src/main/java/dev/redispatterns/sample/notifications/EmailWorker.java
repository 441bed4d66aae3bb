package dev.redispatterns.sample.notifications;

import java.sql.Timestamp;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.redispatterns.messaging.Delivery;
import dev.redispatterns.messaging.PubSubPublisher;
import dev.redispatterns.messaging.StreamGroupListener;
import dev.redispatterns.sample.orders.OrderPaid;

/**
 * Mails the order confirmation: one consumer of the {@code email} group on every instance, so each paid
 * order is handled by one of them. Delivery is at least once (an instance may die after mailing and
 * before acknowledging), so the mail is recorded under a unique order id and a redelivery sends nothing.
 * Then every browser is told, over pub/sub.
 */
@Component
class EmailWorker {

	private static final Log logger = LogFactory.getLog(EmailWorker.class);

	private final JdbcClient jdbc;

	private final PubSubPublisher notifications;

	EmailWorker(JdbcClient jdbc, PubSubPublisher notifications) {
		this.jdbc = jdbc;
		this.notifications = notifications;
	}

	@StreamGroupListener(stream = OrderPaid.STREAM, group = "email", concurrency = 2)
	void orderPaid(OrderPaid order, Delivery delivery) {
		try {
			this.jdbc.sql("INSERT INTO emails (order_id, recipient, subject, sent_at) VALUES (?, ?, ?, ?)")
				.params(order.orderId(), order.username(), "Your order #" + order.orderId() + " is paid",
						Timestamp.from(Instant.now()))
				.update();
		}
		catch (DuplicateKeyException ex) {
			logger.info("Order " + order.orderId() + " was mailed before (delivery " + delivery.attempt() + ")");
			return;
		}
		this.notifications.publish(Notification.CHANNEL, Notification.orderPaid(order));
	}

}
