package dev.redispatterns.sample.catalog;

import java.time.Instant;
import java.util.Map;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.structures.CounterBatch;
import dev.redispatterns.structures.UniqueCounter;
import dev.redispatterns.structures.UniqueCounters;
import dev.redispatterns.structures.WriteBehindCounter;
import dev.redispatterns.structures.WriteBehindCounters;

/**
 * Counts product page views and distinct visitors without a database write per view: views are
 * incremented in Redis and written behind to {@code products.views} in batches (each batch applied once,
 * recorded by id in the same transaction); visitors go into a daily HyperLogLog.
 */
@Component
public class ProductViews {

	/** Name of the unique-visitor counter (see redis.patterns.structures.unique-counters). */
	public static final String VISITORS = "visitors";

	/** Name of the write-behind counter (see redis.patterns.structures.write-behind-counters). */
	public static final String PRODUCT_VIEWS = "product-views";

	private final WriteBehindCounter views;

	private static final Log logger = LogFactory.getLog(ProductViews.class);

	private final UniqueCounter visitors;

	private final Counter unrecorded;

	public ProductViews(WriteBehindCounters writeBehind, UniqueCounters uniqueCounters, ProductRepository products,
			JdbcClient jdbc, TransactionTemplate transactions, MeterRegistry meters) {
		this.unrecorded = Counter.builder("shop.product.views.unrecorded")
			.description("Product views not counted because Redis could not be reached in time")
			.register(meters);
		this.views = writeBehind.register(PRODUCT_VIEWS,
				(batch) -> transactions.executeWithoutResult((status) -> apply(batch, products, jdbc)));
		this.visitors = uniqueCounters.counter(VISITORS);
	}

	private static void apply(CounterBatch batch, ProductRepository products, JdbcClient jdbc) {
		try {
			jdbc.sql("INSERT INTO applied_counter_batches (batch_id, applied_at) VALUES (?, ?)")
				.params(batch.counter() + ":" + batch.id(), java.sql.Timestamp.from(Instant.now()))
				.update();
		}
		catch (DuplicateKeyException ex) {
			return; // applied before; its acknowledgement was lost
		}
		for (Map.Entry<String, Long> delta : batch.deltas().entrySet()) {
			products.addViews(Long.parseLong(delta.getKey()), delta.getValue());
		}
	}

	/**
	 * One view of a product page by a visitor (a user name or a client address). Counting is best effort:
	 * while Redis cannot answer, the page is still served and the missed view is counted as unrecorded.
	 */
	public void viewed(long productId, String visitor) {
		try {
			this.views.increment(Long.toString(productId));
			this.visitors.add(visitor);
		}
		catch (RedisUnavailableException ex) {
			this.unrecorded.increment();
			if (logger.isDebugEnabled()) {
				logger.debug("Product view not counted: " + ex.getMessage());
			}
		}
	}

	/** Views counted in Redis and not yet written to the database. */
	public long pending(long productId) {
		return this.views.pending(Long.toString(productId));
	}

	/** Distinct visitors today (an estimate, exact for small numbers). */
	public long visitorsToday() {
		return this.visitors.count();
	}

	public UniqueCounter visitors() {
		return this.visitors;
	}

}
