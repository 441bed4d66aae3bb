package dev.redispatterns.benchmarks.layers;

/** An application method with the shape key expressions are written against. */
public class OrderService {

	public String place(String userId, Order order) {
		return userId + order.getId();
	}

	/** A method argument with properties, as key expressions navigate them. */
	public static final class Order {

		private final long id;

		private final String currency;

		public Order(long id, String currency) {
			this.id = id;
			this.currency = currency;
		}

		public long getId() {
			return this.id;
		}

		public String getCurrency() {
			return this.currency;
		}

	}

}
