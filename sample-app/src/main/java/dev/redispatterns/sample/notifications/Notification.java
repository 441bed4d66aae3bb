package dev.redispatterns.sample.notifications;

import java.time.Instant;
import java.util.Locale;

import dev.redispatterns.sample.catalog.Product;
import dev.redispatterns.sample.orders.OrderPaid;

/**
 * A live notification for the people watching the shop, published on {@link #CHANNEL}.
 * @param kind what happened, e.g. {@code order-paid}
 * @param message text to show
 * @param at when it happened
 */
public record Notification(String kind, String message, Instant at) {

	/** The pub/sub channel every instance listens on. */
	public static final String CHANNEL = "shop.notifications";

	public static Notification priceChanged(Product product) {
		return new Notification("price-changed",
				product.name() + " now costs " + money(product.priceCents()), Instant.now());
	}

	public static Notification orderPaid(OrderPaid order) {
		return new Notification("order-paid", "Order #" + order.orderId() + " by " + order.username() + " paid: "
				+ money(order.totalCents()) + " (confirmation mailed)", Instant.now());
	}

	public static Notification message(String text) {
		return new Notification("message", text, Instant.now());
	}

	static String money(long cents) {
		return String.format(Locale.ROOT, "€%d.%02d", cents / 100, cents % 100);
	}

}
