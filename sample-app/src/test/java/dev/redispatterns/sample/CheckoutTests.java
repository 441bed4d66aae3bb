package dev.redispatterns.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.redispatterns.sample.GatedPaymentGateway.Gate;
import dev.redispatterns.sample.notifications.LoyaltyWorker;
import dev.redispatterns.structures.Leaderboards;
import dev.redispatterns.structures.Ranked;
import dev.redispatterns.test.RedisDeployments.StandaloneRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkout over HTTP: once per order however many requests race, fenced against a holder whose lock ran
 * out, and followed by the order event's consumers (mail, leaderboard) and a live notification.
 */
class CheckoutTests extends ShopApplicationTestSupport {

	@Autowired
	private GatedPaymentGateway payments;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Leaderboards leaderboards;

	@Autowired
	private StandaloneRedis redis;

	@Test
	void concurrentCheckoutsOfOneOrderPayItOnce() throws Exception {
		ShopClient customer = client("10.5.0.1");
		assertThat(customer.signIn("victor").statusCode()).isEqualTo(200);
		long orderId = customer.order(14, 3);
		int stockBefore = stock(14);
		int callsBefore = this.payments.calls();
		List<HttpResponse<String>> responses = race(8, () -> customer.post("/api/orders/" + orderId + "/checkout", "{}"));
		assertThat(responses).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(200));
		assertThat(responses.stream().filter((response) -> ShopClient.json(response).get("paidNow").asBoolean()))
			.hasSize(1);
		assertThat(this.payments.calls() - callsBefore).as("charges").isEqualTo(1);
		assertThat(stock(14)).isEqualTo(stockBefore - 3);
		await("the order's confirmation mail", Duration.ofSeconds(20), () -> mails(orderId) == 1);
	}

	@Test
	void aCheckoutWhoseLockRanOutCannotOverwriteTheNewerHolder() throws Exception {
		ShopClient customer = client("10.5.0.2");
		assertThat(customer.signIn("judy").statusCode()).isEqualTo(200);
		long orderId = customer.order(15, 2);
		int stockBefore = stock(15);
		// The first checkout freezes inside the payment call while holding the order's lock (a GC pause) ...
		Gate frozen = this.payments.freezeNextCharge();
		CompletableFuture<HttpResponse<String>> stale = CompletableFuture
			.supplyAsync(() -> customer.post("/api/orders/" + orderId + "/checkout", "{}"));
		assertThat(frozen.awaitEntered()).isTrue();
		// ... meanwhile its lease runs out (the key disappears from Redis, as when it expires) ...
		String lockKey = "shop:lock:{order-checkout:" + orderId + "}";
		assertThat(this.redis.deployment().command("DEL", lockKey)).as(lockKey).isEqualTo(1L);
		// ... a second checkout takes the lock with a newer fencing token, claims the order and pays ...
		HttpResponse<String> fresh = customer.post("/api/orders/" + orderId + "/checkout", "{}");
		assertThat(fresh.statusCode()).isEqualTo(200);
		assertThat(ShopClient.json(fresh).get("paidNow").asBoolean()).isTrue();
		long freshFence = ShopClient.json(fresh).get("order").get("fence").asLong();
		// ... then the first one wakes up and tries to write the order with its older token: refused.
		frozen.open();
		HttpResponse<String> late = stale.get(30, TimeUnit.SECONDS);
		assertThat(late.statusCode()).as(late.body()).isEqualTo(409);
		assertThat(late.body()).contains("refused");
		assertThat(this.jdbc.sql("SELECT fence FROM orders WHERE id = ?").param(orderId).query(Long.class).single())
			.isEqualTo(freshFence);
		assertThat(stock(15)).as("the stale checkout's stock change was rolled back").isEqualTo(stockBefore - 2);
	}

	@Test
	void aPaidOrderIsMailedCreditedToTheLeaderboardAndAnnouncedLive() throws Exception {
		ShopClient customer = client("10.5.0.3");
		assertThat(customer.signIn("peggy").statusCode()).isEqualTo(200);
		long orderId = customer.order(13, 2);
		long total = ShopClient.json(customer.get("/api/orders/" + orderId)).get("totalCents").asLong();
		try (EventStream live = EventStream.open(this.port)) {
			assertThat(customer.post("/api/orders/" + orderId + "/checkout", "{}").statusCode()).isEqualTo(200);
			await("the mail worker's consumer group handled the order event", Duration.ofSeconds(20),
					() -> mails(orderId) == 1);
			await("the loyalty worker's consumer group credited peggy", Duration.ofSeconds(20),
					() -> peggy().map((entry) -> entry.score() == total / 100.0).orElse(false));
			assertThat(live.await("Order #" + orderId + " by peggy", Duration.ofSeconds(20)))
				.as("live notification of order " + orderId)
				.isNotNull();
		}
	}

	private Optional<Ranked> peggy() {
		return this.leaderboards.board(LoyaltyWorker.TOP_CUSTOMERS).entry("peggy");
	}

	private int stock(long productId) {
		return this.jdbc.sql("SELECT stock FROM products WHERE id = ?").param(productId).query(Integer.class).single();
	}

	private long mails(long orderId) {
		return this.jdbc.sql("SELECT COUNT(*) FROM emails WHERE order_id = ?").param(orderId).query(Long.class).single();
	}

	/** Runs {@code call} on {@code threads} threads released at the same moment. */
	static <T> List<T> race(int threads, java.util.concurrent.Callable<T> call) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				futures.add(pool.submit(() -> {
					start.await();
					return call.call();
				}));
			}
			start.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get(60, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
