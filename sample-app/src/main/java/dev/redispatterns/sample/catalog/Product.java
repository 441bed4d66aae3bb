package dev.redispatterns.sample.catalog;

/**
 * A product as the shop shows it. Cached in Redis as JSON; treated as immutable.
 * @param id the product id
 * @param sku stock-keeping unit
 * @param name display name
 * @param description short description
 * @param priceCents price in cents
 * @param stock items in stock
 */
public record Product(long id, String sku, String name, String description, long priceCents, int stock) {

	public Product withPrice(long newPriceCents) {
		return new Product(this.id, this.sku, this.name, this.description, newPriceCents, this.stock);
	}

}
