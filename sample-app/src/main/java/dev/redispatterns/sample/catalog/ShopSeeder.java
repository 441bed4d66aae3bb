package dev.redispatterns.sample.catalog;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

import dev.redispatterns.sample.account.Customer;
import dev.redispatterns.sample.account.CustomerRepository;
import dev.redispatterns.sample.account.Passwords;

/**
 * Fills an empty database with a catalogue and customer accounts (password {@value #PASSWORD} for all,
 * {@code admin} may change prices). Runs after the schema script; with several instances on one database
 * the first one seeds and the others find the data there.
 */
@Component
class ShopSeeder implements InitializingBean {

	static final String PASSWORD = "redis-patterns";

	static final List<String> CUSTOMERS = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
			"ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter",
			"zoe");

	/** Customers on the premium plan, with higher API limits (the others are on the basic plan). */
	static final List<String> PREMIUM_CUSTOMERS = List.of("olivia", "walter");

	private static final String[][] PRODUCTS = { { "Espresso beans, 1 kg", "Dark roast, chocolate and cherry" },
			{ "Filter coffee, 500 g", "Light roast, citrus and jasmine" }, { "Hand grinder", "Ceramic burrs" },
			{ "Gooseneck kettle", "Temperature control, 1 l" }, { "Pour-over dripper", "Porcelain, size 02" },
			{ "Paper filters, 100", "Unbleached" }, { "Milk jug, 600 ml", "Stainless steel" },
			{ "Espresso cups, 2", "Double-walled glass" }, { "Scale", "0.1 g resolution with timer" },
			{ "Tamper, 58 mm", "Flat base, walnut handle" }, { "French press", "1 l, borosilicate" },
			{ "Cold brew jar", "1.5 l with mesh filter" }, { "Moka pot", "6 cups, aluminium" },
			{ "Travel mug", "Keeps warm for 6 h" }, { "Decaf beans, 500 g", "Swiss water process" },
			{ "Chai spice mix", "Cardamom, cinnamon, ginger" }, { "Matcha, 30 g", "Ceremonial grade" },
			{ "Tea pot", "Cast iron, 0.8 l" }, { "Loose leaf green tea", "Sencha, 100 g" },
			{ "Cleaning tablets", "For espresso machines, 100" }, { "Descaler", "Citric acid based, 1 l" },
			{ "Knock box", "Rubber bar, dishwasher safe" }, { "Barista apron", "Waxed canvas" },
			{ "Gift card", "Fifty euros to spend in the shop" } };

	private static final Log logger = LogFactory.getLog(ShopSeeder.class);

	private final ProductRepository products;

	private final CustomerRepository customers;

	ShopSeeder(ProductRepository products, CustomerRepository customers) {
		this.products = products;
		this.customers = customers;
	}

	@Override
	public void afterPropertiesSet() {
		try {
			if (this.products.count() == 0) {
				for (int i = 0; i < PRODUCTS.length; i++) {
					long priceCents = 490 + (i * 7919L) % 9000;
					this.products.insert(new Product(i + 1, "SKU-%04d".formatted(i + 1), PRODUCTS[i][0],
							PRODUCTS[i][1], priceCents, 10_000));
				}
				logger.info("Seeded " + PRODUCTS.length + " products");
			}
			if (this.customers.count() == 0) {
				String hash = Passwords.hash(PASSWORD); // demo accounts share one password, so one salted hash
				this.customers.insert(new Customer("admin", "Shop admin", hash, true, Customer.PREMIUM));
				for (String name : CUSTOMERS) {
					this.customers.insert(new Customer(name, Character.toUpperCase(name.charAt(0)) + name.substring(1),
							hash, false, PREMIUM_CUSTOMERS.contains(name) ? Customer.PREMIUM : Customer.BASIC));
				}
				logger.info("Seeded " + (CUSTOMERS.size() + 1) + " customers; password '" + PASSWORD + "'");
			}
		}
		catch (DuplicateKeyException ex) {
			logger.info("Another instance is seeding the database");
		}
	}

}
