package dev.redispatterns.benchmarks.cache;

import java.util.List;

/**
 * The cached value of the cache workloads: a typical catalogue entry, about 200 bytes as JSON.
 *
 * @param id product id
 * @param sku stock-keeping unit
 * @param name display name
 * @param description short text
 * @param priceCents price in cents
 * @param currency ISO currency
 * @param inStock whether it can be ordered
 * @param tags search tags
 */
public record Product(long id, String sku, String name, String description, long priceCents, String currency,
		boolean inStock, List<String> tags) {

	public static Product sample(long id) {
		return new Product(id, "SKU-" + (100_000 + id), "Espresso cup " + id,
				"Porcelain cup, 90 ml, dishwasher safe, stackable", 1_250 + id % 500, "EUR", id % 7 != 0,
				List.of("kitchen", "coffee", "porcelain"));
	}

}
