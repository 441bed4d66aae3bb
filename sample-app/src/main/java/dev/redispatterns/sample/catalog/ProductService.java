package dev.redispatterns.sample.catalog;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.Caching;
import org.springframework.stereotype.Service;

import dev.redispatterns.messaging.PubSubPublisher;
import dev.redispatterns.sample.notifications.Notification;

/**
 * Product reads and writes. Reads are cache-aside through Spring's annotations; the starter's cache
 * manager makes a cold key load once across all instances (the others wait for that load) and, with
 * refresh-ahead switched on for {@code products} in {@code application.yml}, recomputes hot entries in
 * the background shortly before they expire.
 */
@Service
public class ProductService {

	public static final String PRODUCTS = "products";

	public static final String CATALOG = "catalog";

	private final ProductRepository products;

	private final PubSubPublisher notifications;

	public ProductService(ProductRepository products, PubSubPublisher notifications) {
		this.products = products;
		this.notifications = notifications;
	}

	/** A product, or {@code null} (cached too, briefly) when there is none. */
	@Cacheable(PRODUCTS)
	public @Nullable Product product(long id) {
		return this.products.findById(id).orElse(null);
	}

	/** The whole catalogue, one cache entry. */
	@Cacheable(cacheNames = CATALOG, key = "'all'")
	public List<Product> catalog() {
		return this.products.findAll();
	}

	/**
	 * Changes a price: the database first, then the new value replaces the cached one in every instance
	 * (near caches included), and shoppers watching the dashboard are told.
	 */
	@CachePut(cacheNames = PRODUCTS, key = "#id", unless = "#result == null")
	@CacheEvict(cacheNames = CATALOG, allEntries = true)
	public @Nullable Product changePrice(long id, long priceCents) {
		if (!this.products.updatePrice(id, priceCents)) {
			return null;
		}
		Product product = this.products.findById(id).orElse(null);
		if (product != null) {
			this.notifications.publish(Notification.CHANNEL, Notification.priceChanged(product));
		}
		return product;
	}

	/** Drops one product (and the catalogue listing) from the cache, e.g. after its stock changed. */
	@Caching(evict = { @CacheEvict(cacheNames = PRODUCTS, key = "#id"),
			@CacheEvict(cacheNames = CATALOG, allEntries = true) })
	public void evict(long id) {
	}

	/** Drops every cached product ("re-import the catalogue"): the next reads of hot products stampede. */
	@CacheEvict(cacheNames = { PRODUCTS, CATALOG }, allEntries = true)
	public void evictAll() {
	}

}
