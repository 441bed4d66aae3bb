package dev.redispatterns.sample.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.redispatterns.lock.HeldLock;
import dev.redispatterns.lock.RedisLockManager;
import dev.redispatterns.observability.CacheMetrics;
import dev.redispatterns.observability.LockMetrics;
import dev.redispatterns.observability.MessagingMetrics;
import dev.redispatterns.observability.RateLimitMetrics;
import dev.redispatterns.observability.SessionMetrics;
import dev.redispatterns.sample.catalog.ProductRepository;
import dev.redispatterns.sample.catalog.ProductService;
import dev.redispatterns.sample.catalog.ProductViews;
import dev.redispatterns.sample.notifications.LoyaltyWorker;
import dev.redispatterns.sample.notifications.NotificationHub;
import dev.redispatterns.sample.orders.OrderRepository;
import dev.redispatterns.sample.reports.DailyReportJob;
import dev.redispatterns.sample.reports.InstanceId;
import dev.redispatterns.structures.Leaderboards;

/**
 * Everything the dashboard page shows, in one JSON document: the starter's meters of this instance
 * (cache, rate limits, locks, streams, pub/sub, sessions) and a few numbers read from Redis and the
 * database (leaderboard, unique visitors, orders, report runs). Counters are totals since start-up; the page
 * polls this every second and draws its charts from the differences between two polls.
 */
@RestController
class DashboardController {

	private final MeterRegistry meters;

	private final RedisLockManager locks;

	private final Leaderboards leaderboards;

	private final ProductViews views;

	private final ProductRepository products;

	private final OrderRepository orders;

	private final DailyReportJob reports;

	private final NotificationHub hub;

	private final InstanceId instance;

	DashboardController(MeterRegistry meters, RedisLockManager locks, Leaderboards leaderboards, ProductViews views,
			ProductRepository products, OrderRepository orders, DailyReportJob reports, NotificationHub hub,
			InstanceId instance) {
		this.meters = meters;
		this.locks = locks;
		this.leaderboards = leaderboards;
		this.views = views;
		this.products = products;
		this.orders = orders;
		this.reports = reports;
		this.hub = hub;
		this.instance = instance;
	}

	@GetMapping("/api/dashboard")
	public Map<String, Object> dashboard() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("instance", this.instance.id());
		body.put("caches", List.of(cache(ProductService.PRODUCTS), cache(ProductService.CATALOG)));
		body.put("database", Map.of("productQueries", this.products.productQueries(), "paidOrders",
				this.orders.countPaid()));
		body.put("rateLimits", rateLimits());
		body.put("locks", locks());
		body.put("streams", streams());
		body.put("pubSub", Map.of("published", sum(MessagingMetrics.PUBSUB_PUBLISHED, Map.of()), "received",
				sum(MessagingMetrics.PUBSUB_RECEIVED, Map.of()), "browsers", this.hub.connected()));
		body.put("sessions", Map.of("active", gauge(SessionMetrics.ACTIVE), "created",
				sum(SessionMetrics.CREATIONS, Map.of()), "revoked", sum(SessionMetrics.REVOCATIONS, Map.of())));
		body.put("leaderboard", this.leaderboards.board(LoyaltyWorker.TOP_CUSTOMERS).top(10));
		body.put("visitorsToday", this.views.visitorsToday());
		body.put("reports", this.reports.latest(5));
		return body;
	}

	private Map<String, Object> cache(String name) {
		Map<String, Object> cache = new LinkedHashMap<>();
		cache.put("name", name);
		Map<String, Double> requests = byTag(CacheMetrics.REQUESTS, "cache", name, "result", Counter.class,
				Counter::count);
		double hits = requests.getOrDefault("hit", 0.0) + requests.getOrDefault("near_hit", 0.0)
				+ requests.getOrDefault("stale", 0.0);
		double total = hits + requests.getOrDefault("miss", 0.0);
		cache.put("requests", requests);
		cache.put("hitRatio", (total > 0) ? hits / total : 0.0);
		cache.put("loads", sum(CacheMetrics.LOADS, Map.of("cache", name)));
		cache.put("stampedeWaits",
				byTag(CacheMetrics.STAMPEDE_WAITS, "cache", name, "outcome", Timer.class, Timer::count));
		cache.put("refreshes", byTag(CacheMetrics.REFRESHES, "cache", name, "outcome", Counter.class, Counter::count));
		return cache;
	}

	private List<Map<String, Object>> rateLimits() {
		Map<String, Map<String, Double>> byPolicy = new TreeMap<>();
		for (Meter meter : this.meters.find(RateLimitMetrics.DECISIONS).meters()) {
			if (meter instanceof Counter counter) {
				byPolicy.computeIfAbsent(meter.getId().getTag("policy"), (key) -> new TreeMap<>())
					.merge(meter.getId().getTag("outcome"), counter.count(), Double::sum);
			}
		}
		List<Map<String, Object>> policies = new ArrayList<>();
		byPolicy.forEach((policy, outcomes) -> policies.add(Map.of("policy", policy, "outcomes", outcomes)));
		return policies;
	}

	private Map<String, Object> locks() {
		Map<String, Map<String, Double>> acquisitions = new TreeMap<>();
		for (Meter meter : this.meters.find(LockMetrics.ACQUISITIONS).meters()) {
			if (meter instanceof Counter counter) {
				acquisitions.computeIfAbsent(meter.getId().getTag("name"), (key) -> new TreeMap<>())
					.merge(meter.getId().getTag("outcome"), counter.count(), Double::sum);
			}
		}
		// Time spent acquiring, all outcomes together: the page shows the mean wait next to its lock chart.
		Map<String, Map<String, Double>> waits = new TreeMap<>();
		for (Meter meter : this.meters.find(LockMetrics.WAIT).meters()) {
			if (meter instanceof Timer timer) {
				Map<String, Double> wait = waits.computeIfAbsent(meter.getId().getTag("name"), (key) -> new TreeMap<>());
				wait.merge("count", (double) timer.count(), Double::sum);
				wait.merge("seconds", timer.totalTime(TimeUnit.SECONDS), Double::sum);
			}
		}
		Map<String, Integer> heldNow = new TreeMap<>();
		for (HeldLock held : this.locks.heldLocks()) {
			heldNow.merge(held.metricName(), 1, Integer::sum);
		}
		return Map.of("heldNow", heldNow, "acquisitions", acquisitions, "waits", waits);
	}

	private List<Map<String, Object>> streams() {
		Map<String, Map<String, Object>> groups = new TreeMap<>();
		for (Meter meter : this.meters.find(MessagingMetrics.STREAM_LAG).meters()) {
			group(groups, meter).put("lag", ((Gauge) meter).value());
		}
		for (Meter meter : this.meters.find(MessagingMetrics.STREAM_PENDING).meters()) {
			group(groups, meter).put("pending", ((Gauge) meter).value());
		}
		for (Meter meter : this.meters.find(MessagingMetrics.STREAM_RECEIVED).meters()) {
			group(groups, meter).merge("received", ((Counter) meter).count(), (a, b) -> (Double) a + (Double) b);
		}
		return new ArrayList<>(groups.values());
	}

	private static Map<String, Object> group(Map<String, Map<String, Object>> groups, Meter meter) {
		String stream = meter.getId().getTag("stream");
		String group = meter.getId().getTag("group");
		return groups.computeIfAbsent(stream + "/" + group, (key) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("stream", stream);
			entry.put("group", group);
			return entry;
		});
	}

	private <M extends Meter> Map<String, Double> byTag(String name, String filterTag, String filterValue,
			String tag, Class<M> type, ToDoubleFunction<M> value) {
		Map<String, Double> values = new TreeMap<>();
		for (Meter meter : this.meters.find(name).tag(filterTag, filterValue).meters()) {
			if (type.isInstance(meter)) {
				values.merge(meter.getId().getTag(tag), value.applyAsDouble(type.cast(meter)), Double::sum);
			}
		}
		return values;
	}

	private double sum(String name, Map<String, String> tags) {
		double total = 0;
		var search = this.meters.find(name);
		for (Map.Entry<String, String> tag : tags.entrySet()) {
			search = search.tag(tag.getKey(), tag.getValue());
		}
		for (Meter meter : search.meters()) {
			if (meter instanceof Counter counter) {
				total += counter.count();
			}
			else if (meter instanceof Timer timer) {
				total += timer.count();
			}
		}
		return total;
	}

	private double gauge(String name) {
		Gauge gauge = this.meters.find(name).gauge();
		return (gauge != null) ? gauge.value() : 0;
	}

}
