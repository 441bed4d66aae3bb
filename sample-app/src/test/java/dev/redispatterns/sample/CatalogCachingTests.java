package dev.redispatterns.sample;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cache.CacheManager;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.redispatterns.sample.catalog.ProductRepository;
import dev.redispatterns.sample.catalog.ProductViews;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Product reads over HTTP go through the Redis cache: the database query counter proves which reads
 * reached the database.
 */
class CatalogCachingTests extends ShopApplicationTestSupport {

	@Autowired
	private ProductRepository products;

	@Autowired
	private ProductViews views;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private CacheManager caches;

	@Test
	void secondReadOfAProductIsServedFromTheCache() {
		ShopClient shopper = client("10.1.0.1");
		this.caches.getCache("products").evict(9L); // other tests (the load script) may have read it already
		long before = this.products.productQueries();
		HttpResponse<String> first = shopper.get("/api/products/9");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(this.products.productQueries()).isEqualTo(before + 1);
		HttpResponse<String> second = shopper.get("/api/products/9");
		HttpResponse<String> third = client("10.1.0.9").get("/api/products/9");
		assertThat(second.body()).isEqualTo(first.body());
		assertThat(third.body()).isEqualTo(first.body());
		assertThat(this.products.productQueries()).as("reads served from Redis").isEqualTo(before + 1);
	}

	@Test
	void unknownProductsAreCachedAsAbsentToo() {
		ShopClient shopper = client("10.1.0.4");
		long before = this.products.productQueries();
		assertThat(shopper.get("/api/products/9999").statusCode()).isEqualTo(404);
		assertThat(shopper.get("/api/products/9999").statusCode()).isEqualTo(404);
		assertThat(this.products.productQueries()).isEqualTo(before + 1);
	}

	@Test
	void aPriceChangeReplacesTheCachedProduct() {
		ShopClient admin = client("10.1.0.2");
		assertThat(admin.signIn("admin").statusCode()).isEqualTo(200);
		assertThat(ShopClient.json(admin.get("/api/products/10")).get("priceCents").asLong()).isNotEqualTo(4242);
		HttpResponse<String> changed = admin.put("/api/admin/products/10/price", "{\"priceCents\":4242}");
		assertThat(changed.statusCode()).isEqualTo(200);
		long afterChange = this.products.productQueries();
		HttpResponse<String> read = client("10.1.0.5").get("/api/products/10");
		assertThat(ShopClient.json(read).get("priceCents").asLong()).isEqualTo(4242);
		assertThat(this.products.productQueries()).as("@CachePut stored the new product").isEqualTo(afterChange);
	}

	@Test
	void priceChangesNeedAnAdmin() {
		ShopClient customer = client("10.1.0.6");
		assertThat(customer.put("/api/admin/products/10/price", "{\"priceCents\":1}").statusCode()).isEqualTo(401);
		customer.signIn("walter");
		assertThat(customer.put("/api/admin/products/10/price", "{\"priceCents\":1}").statusCode()).isEqualTo(403);
	}

	@Test
	void pageViewsReachTheDatabaseInBatchesAndVisitorsAreCounted() {
		long visitorsBefore = this.views.visitorsToday();
		await("earlier views of product 11 (e.g. by the load script) flushed", Duration.ofSeconds(20),
				() -> this.views.pending(11) == 0);
		long viewsBefore = storedViews(11);
		for (int i = 0; i < 5; i++) {
			client("10.1.1." + (1 + i % 3)).get("/api/products/11");
		}
		await("5 more views of product 11 in the database", Duration.ofSeconds(20),
				() -> storedViews(11) == viewsBefore + 5);
		// the batch is acknowledged in Redis just after the database write
		await("the flushed batch acknowledged", Duration.ofSeconds(5), () -> this.views.pending(11) == 0);
		// a HyperLogLog estimates; for three visitors it is exact or off by one
		assertThat(this.views.visitorsToday() - visitorsBefore).isBetween(2L, 4L);
	}

	private long storedViews(long productId) {
		return this.jdbc.sql("SELECT views FROM products WHERE id = ?").param(productId).query(Long.class).single();
	}

}
