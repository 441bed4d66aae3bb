package dev.redispatterns.sample.orders;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

import dev.redispatterns.sample.orders.Order.OrderLine;

/**
 * Orders in the database, written under the order's lock with its fencing token: {@link #claim} records
 * the token of the current holder (refused once a newer holder claimed the order), {@link #markPaid} only
 * succeeds while that token is still the latest, so a holder whose lock ran out cannot write.
 */
@Repository
public class OrderRepository {

	private final JdbcClient jdbc;

	public OrderRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public long create(String username, List<OrderLine> lines) {
		long total = lines.stream().mapToLong((line) -> line.priceCents() * line.quantity()).sum();
		KeyHolder key = new GeneratedKeyHolder();
		this.jdbc.sql("INSERT INTO orders (username, status, total_cents, fence, created_at) VALUES (?, ?, ?, 0, ?)")
			.params(username, Order.NEW, total, Timestamp.from(Instant.now()))
			.update(key, "id");
		long id = key.getKeyAs(Number.class).longValue();
		for (OrderLine line : lines) {
			this.jdbc.sql("INSERT INTO order_lines (order_id, product_id, quantity, price_cents) VALUES (?, ?, ?, ?)")
				.params(id, line.productId(), line.quantity(), line.priceCents())
				.update();
		}
		return id;
	}

	public Optional<Order> find(long id) {
		List<OrderLine> lines = this.jdbc
			.sql("SELECT product_id, quantity, price_cents FROM order_lines WHERE order_id = ? ORDER BY product_id")
			.param(id)
			.query(OrderLine.class)
			.list();
		return this.jdbc
			.sql("SELECT id, username, status, total_cents, fence, payment_id, created_at, paid_at FROM orders WHERE id = ?")
			.param(id)
			.query((rs, row) -> new Order(rs.getLong("id"), rs.getString("username"), rs.getString("status"),
					rs.getLong("total_cents"), rs.getLong("fence"), rs.getString("payment_id"),
					rs.getTimestamp("created_at").toInstant(),
					(rs.getTimestamp("paid_at") != null) ? rs.getTimestamp("paid_at").toInstant() : null, lines))
			.optional();
	}

	/**
	 * Records that the lock holder with {@code fence} works on the order, before it reads it.
	 * @return {@code false} if a holder with a newer token claimed it already: this holder's lock is stale
	 */
	public boolean claim(long id, long fence) {
		return this.jdbc.sql("UPDATE orders SET fence = ? WHERE id = ? AND fence < ?").params(fence, id, fence).update() == 1;
	}

	/**
	 * Marks the order paid, on behalf of the lock holder that claimed it with {@code fence}.
	 * @return {@code false} if a holder with a newer token claimed the order meanwhile: this holder's lock
	 * ran out while it worked, and its write is refused
	 */
	public boolean markPaid(long id, long fence, String paymentId, Instant paidAt) {
		return this.jdbc.sql("UPDATE orders SET status = ?, payment_id = ?, paid_at = ? WHERE id = ? AND fence = ?")
			.params(Order.PAID, paymentId, Timestamp.from(paidAt), id, fence)
			.update() == 1;
	}

	public long countPaid() {
		return this.jdbc.sql("SELECT COUNT(*) FROM orders WHERE status = ?").param(Order.PAID).query(Long.class).single();
	}

	/** Paid orders and revenue in [from, to). */
	public long[] paidBetween(Instant from, Instant to) {
		return this.jdbc
			.sql("SELECT COUNT(*), COALESCE(SUM(total_cents), 0) FROM orders WHERE status = ? AND paid_at >= ? AND paid_at < ?")
			.params(Order.PAID, Timestamp.from(from), Timestamp.from(to))
			.query((rs, row) -> new long[] { rs.getLong(1), rs.getLong(2) })
			.single();
	}

}
