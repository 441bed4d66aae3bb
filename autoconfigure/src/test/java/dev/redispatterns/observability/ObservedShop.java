package dev.redispatterns.observability;

import java.io.IOException;
import java.security.Principal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpSession;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditListener;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.redispatterns.messaging.PubSubListener;
import dev.redispatterns.messaging.QueueListener;
import dev.redispatterns.messaging.StreamGroupListener;

/**
 * A small application using every pattern, for the observability tests: a cached catalogue, a
 * session-backed controller, and pub/sub, stream and queue listeners.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableCaching
public class ObservedShop {

	/** Value the cache holds; the endpoint must never show it. */
	static final String CACHED_SECRET = "cached-secret-7f3a9c";

	/** Value stored in a session; the endpoint must never show it. */
	static final String SESSION_SECRET = "session-secret-1b8e44";

	static final String KEY_SECRET = "key-secret-0123456789-abcdefghijklmnopqr";

	/** Properties every test context of this application uses. */
	static final String[] PROPERTIES = { "redis.patterns.session.key-hashing.secret=" + KEY_SECRET,
			"redis.patterns.cache.caches.products.ttl=1h", "redis.patterns.rate-limit.policies.api.algorithm=sliding-window",
			"redis.patterns.rate-limit.policies.api.limit=5", "redis.patterns.rate-limit.policies.api.window=1m",
			"redis.patterns.rate-limit.policies.uploads.algorithm=token-bucket",
			"redis.patterns.rate-limit.policies.uploads.capacity=20",
			"redis.patterns.rate-limit.policies.uploads.refill-rate=0.5", "redis.patterns.lock.default-wait-time=2s",
			"redis.patterns.lock.locks.checkout.wait-time=10s", "redis.patterns.messaging.streams.audit.max-length=500",
			"redis.patterns.messaging.stream.poll-timeout=200ms", "redis.patterns.messaging.queue.poll-timeout=200ms",
			"redis.patterns.codec.allowed-packages=dev.redispatterns.observability",
			// Boot's audit auto-configuration needs Spring Security, which this starter does not bring
			"spring.autoconfigure.exclude=org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration" };

	/** Header naming the signed-in operator, standing in for Spring Security in these tests. */
	static final String OPERATOR_HEADER = "X-Test-Operator";

	@Bean
	OncePerRequestFilter testOperatorSignIn() {
		return new OncePerRequestFilter() {

			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
					FilterChain chain) throws ServletException, IOException {
				String operator = request.getHeader(OPERATOR_HEADER);
				if (operator == null) {
					chain.doFilter(request, response);
					return;
				}
				Principal principal = () -> operator;
				chain.doFilter(new HttpServletRequestWrapper(request) {

					@Override
					public Principal getUserPrincipal() {
						return principal;
					}

				}, response);
			}

		};
	}

	@Bean
	AuditEventRepository auditEventRepository() {
		return new InMemoryAuditEventRepository();
	}

	@Bean
	AuditListener auditListener(AuditEventRepository repository) {
		return new AuditListener(repository);
	}

	/** The cached method. */
	@Component
	public static class Catalog {

		final AtomicInteger loads = new AtomicInteger();

		@Cacheable("products")
		public String product(String id) {
			this.loads.incrementAndGet();
			return CACHED_SECRET + ":" + id;
		}

	}

	/** Stores a value in the session. */
	@RestController
	public static class SessionController {

		@PostMapping("/remember")
		String remember(HttpSession session, @RequestParam String value) {
			session.setAttribute("note", value);
			return "stored";
		}

		@GetMapping("/recall")
		String recall(HttpSession session) {
			return String.valueOf(session.getAttribute("note"));
		}

	}

	/** Listeners of every messaging shape. */
	@Component
	public static class Listeners {

		final List<String> prices = new CopyOnWriteArrayList<>();

		final List<String> orders = new CopyOnWriteArrayList<>();

		final List<String> mails = new CopyOnWriteArrayList<>();

		@PubSubListener("prices")
		void price(String price) {
			this.prices.add(price);
		}

		@StreamGroupListener(stream = "orders", group = "billing")
		void order(String order) {
			this.orders.add(order);
		}

		@QueueListener("mails")
		void mail(String mail) {
			this.mails.add(mail);
		}

	}

}
