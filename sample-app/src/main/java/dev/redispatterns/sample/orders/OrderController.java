package dev.redispatterns.sample.orders;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.sample.account.CurrentUser;
import dev.redispatterns.sample.catalog.Product;
import dev.redispatterns.sample.catalog.ProductService;
import dev.redispatterns.sample.orders.CheckoutService.CheckoutResult;
import dev.redispatterns.sample.orders.Order.OrderLine;

/**
 * Placing and paying orders, for signed-in customers, limited per client address and per user.
 */
@RestController
@RateLimited(value = "api-ip", key = "@clientIp.current()")
@RateLimited(value = "api-user", key = "@currentUser.id()", tier = "@currentUser.plan()")
class OrderController {

	private final OrderRepository orders;

	private final ProductService catalog;

	private final CheckoutService checkout;

	private final CurrentUser currentUser;

	OrderController(OrderRepository orders, ProductService catalog, CheckoutService checkout, CurrentUser currentUser) {
		this.orders = orders;
		this.catalog = catalog;
		this.checkout = checkout;
		this.currentUser = currentUser;
	}

	/** Creates an order at the current (cached) prices. */
	@PostMapping("/api/orders")
	public Order create(@RequestBody OrderRequest request) {
		String user = requireUser();
		if (request.lines() == null || request.lines().isEmpty()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "An order needs at least one line");
		}
		List<OrderLine> lines = new ArrayList<>();
		for (OrderRequest.Line line : request.lines()) {
			Product product = this.catalog.product(line.productId());
			if (product == null || line.quantity() < 1) {
				throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "No such product or quantity: " + line);
			}
			lines.add(new OrderLine(product.id(), line.quantity(), product.priceCents()));
		}
		return this.orders.find(this.orders.create(user, lines)).orElseThrow();
	}

	@GetMapping("/api/orders/{id}")
	public Order order(@PathVariable long id) {
		return ownOrder(id);
	}

	/** Pays the order; asking again (another tab, another instance) reports it paid instead of paying twice. */
	@PostMapping("/api/orders/{id}/checkout")
	public Map<String, Object> checkout(@PathVariable long id) {
		ownOrder(id);
		CheckoutResult result = this.checkout.checkout(id);
		return Map.of("order", result.order(), "paidNow", result.paidNow());
	}

	private Order ownOrder(long id) {
		String user = requireUser();
		return this.orders.find(id)
			.filter((order) -> order.username().equals(user))
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No such order"));
	}

	private String requireUser() {
		String user = this.currentUser.name();
		if (user == null) {
			throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Sign in first");
		}
		return user;
	}

	/**
	 * What to order.
	 * @param lines products and quantities
	 */
	public record OrderRequest(List<Line> lines) {

		/**
		 * One product and how many.
		 * @param productId the product
		 * @param quantity how many
		 */
		public record Line(long productId, int quantity) {
		}

	}

}
