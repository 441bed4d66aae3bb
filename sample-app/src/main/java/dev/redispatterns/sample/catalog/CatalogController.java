package dev.redispatterns.sample.catalog;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.sample.account.CurrentUser;
import dev.redispatterns.sample.account.CustomerRepository;

/**
 * The public catalogue API, limited per client address and per user (both must allow a request), and
 * the admin operations on it (limited by a URL rule in {@code application.yml}).
 */
@RestController
class CatalogController {

	private final ProductService catalog;

	private final ProductViews views;

	private final CurrentUser currentUser;

	private final CustomerRepository customers;

	CatalogController(ProductService catalog, ProductViews views, CurrentUser currentUser,
			CustomerRepository customers) {
		this.catalog = catalog;
		this.views = views;
		this.currentUser = currentUser;
		this.customers = customers;
	}

	@GetMapping("/api/products")
	@RateLimited(value = "api-ip", key = "@clientIp.current()")
	@RateLimited(value = "api-user", key = "@currentUser.id()", tier = "@currentUser.plan()")
	public List<Product> products() {
		return this.catalog.catalog();
	}

	@GetMapping("/api/products/{id}")
	@RateLimited(value = "api-ip", key = "@clientIp.current()")
	@RateLimited(value = "api-user", key = "@currentUser.id()", tier = "@currentUser.plan()")
	public Product product(@PathVariable long id) {
		Product product = this.catalog.product(id);
		if (product == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No product " + id);
		}
		this.views.viewed(id, this.currentUser.id());
		return product;
	}

	@PutMapping("/api/admin/products/{id}/price")
	public Product changePrice(@PathVariable long id, @RequestBody PriceChange change) {
		requireAdmin();
		if (change.priceCents() < 1) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "A price must be positive");
		}
		Product product = this.catalog.changePrice(id, change.priceCents());
		if (product == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No product " + id);
		}
		return product;
	}

	/** Drops the cached catalogue, as a nightly re-import would: watch the stampede waits on the dashboard. */
	@PostMapping("/api/admin/catalog/reimport")
	public Map<String, Object> reimport() {
		requireAdmin();
		this.catalog.evictAll();
		return Map.of("evicted", true);
	}

	private void requireAdmin() {
		String user = this.currentUser.name();
		if (user == null) {
			throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Sign in first");
		}
		if (!this.customers.find(user).map((customer) -> customer.admin()).orElse(false)) {
			throw new ResponseStatusException(HttpStatus.FORBIDDEN, "Admins only");
		}
	}

	/**
	 * New price.
	 * @param priceCents price in cents
	 */
	public record PriceChange(long priceCents) {
	}

}
