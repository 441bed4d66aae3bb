package dev.redispatterns.sample.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Products in the database. Counts the product queries it runs, so the dashboard and the tests can show
 * how many reads the cache kept away from the database. Catalogue queries can be slowed down
 * ({@code shop.catalog.query-latency}) to make cold-key stampedes visible on a fast local database.
 */
@Repository
public class ProductRepository {

	private static final String COLUMNS = "id, sku, name, description, price_cents, stock";

	private final JdbcClient jdbc;

	private final Duration queryLatency;

	private final AtomicLong productQueries = new AtomicLong();

	public ProductRepository(JdbcClient jdbc, @Value("${shop.catalog.query-latency:0ms}") Duration queryLatency) {
		this.jdbc = jdbc;
		this.queryLatency = queryLatency;
	}

	public Optional<Product> findById(long id) {
		countQuery();
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM products WHERE id = ?")
			.param(id)
			.query(Product.class)
			.optional();
	}

	public List<Product> findAll() {
		countQuery();
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM products ORDER BY id").query(Product.class).list();
	}

	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM products").query(Long.class).single();
	}

	public void insert(Product product) {
		this.jdbc.sql("INSERT INTO products (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")
			.params(product.id(), product.sku(), product.name(), product.description(), product.priceCents(),
					product.stock())
			.update();
	}

	public boolean updatePrice(long id, long priceCents) {
		return this.jdbc.sql("UPDATE products SET price_cents = ? WHERE id = ?").params(priceCents, id).update() == 1;
	}

	/** Takes {@code quantity} items out of stock if that many are left. */
	public boolean takeStock(long id, int quantity) {
		return this.jdbc.sql("UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ?")
			.params(quantity, id, quantity)
			.update() == 1;
	}

	public void addViews(long id, long views) {
		this.jdbc.sql("UPDATE products SET views = views + ? WHERE id = ?").params(views, id).update();
	}

	/** Views stored in the database (the write-behind counter's flushed part). */
	public Map<Long, Long> views() {
		return this.jdbc.sql("SELECT id, views FROM products WHERE views > 0 ORDER BY views DESC")
			.query((rs) -> {
				Map<Long, Long> views = new java.util.LinkedHashMap<>();
				while (rs.next()) {
					views.put(rs.getLong(1), rs.getLong(2));
				}
				return views;
			});
	}

	/** Product queries run so far (reads by id and catalogue listings). */
	public long productQueries() {
		return this.productQueries.get();
	}

	private void countQuery() {
		this.productQueries.incrementAndGet();
		if (!this.queryLatency.isZero()) {
			try {
				Thread.sleep(this.queryLatency.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
