import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives the sample shop with concurrent shoppers so the dashboard moves: browsing with a few hot
 * products (cache hits), signed-in customers ordering and paying (checkout lock, order stream,
 * leaderboard, notifications), an admin who re-imports the catalogue now and then (cold keys read by many
 * shoppers at once: stampede protection) and changes prices, and a scraper that ignores the limits
 * (HTTP 429). Every shopper sends its own {@code X-Forwarded-For} address, which the shop believes from
 * loopback (see {@code redis.patterns.rate-limit.web.trusted-proxies}), so limits apply per shopper.
 * <p>
 * Needs only a JDK (11 or newer), no build:
 *
 * <pre>
 * java sample-app/load/LoadGenerator.java --url http://localhost:8080 --users 40 --duration 60s
 * </pre>
 *
 * (It lives outside the Maven source folders on purpose: a second {@code main} among the test classes
 * would stop {@code spring-boot:test-run} from finding the shop's launcher.)
 *
 * Several {@code --url}s, comma-separated, spread the shoppers over several instances. It stops by itself
 * after {@code --duration} and prints what the shop answered.
 */
public final class LoadGenerator {

	private static final String PASSWORD = "redis-patterns";

	private static final List<String> CUSTOMERS = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace",
			"heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor",
			"walter", "zoe");

	private static final int PRODUCTS = 24;

	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

	private final List<String> urls;

	private final int users;

	private final Duration duration;

	private final int scrapers;

	private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();

	private final AtomicLong requests = new AtomicLong();

	private volatile long deadline;

	private LoadGenerator(List<String> urls, int users, Duration duration, int scrapers) {
		this.urls = urls;
		this.users = users;
		this.duration = duration;
		this.scrapers = scrapers;
	}

	public static void main(String[] args) throws InterruptedException {
		Map<String, String> options = options(args);
		List<String> urls = List.of(options.getOrDefault("url", "http://localhost:8080").split(","));
		LoadGenerator load = new LoadGenerator(urls, Integer.parseInt(options.getOrDefault("users", "40")),
				parseDuration(options.getOrDefault("duration", "60s")),
				Integer.parseInt(options.getOrDefault("scrapers", "1")));
		Map<String, Long> answers = load.run();
		System.out.println("Done: " + answers);
		if (answers.keySet().stream().noneMatch((kind) -> kind.endsWith(" 200"))) {
			System.err.println("No request succeeded: is the shop running at " + urls + "?");
			System.exit(1);
		}
	}

	/**
	 * Runs the load until the duration is over.
	 * @return responses by kind ({@code "GET /api/products/{id} 200"}: count)
	 */
	private Map<String, Long> run() throws InterruptedException {
		System.out.printf("Driving %s with %d shoppers and %d scraper(s) for %s%n", this.urls, this.users,
				this.scrapers, this.duration);
		this.deadline = System.nanoTime() + this.duration.toNanos();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < this.users; i++) {
			int number = i;
			threads.add(start("shopper-" + i, () -> shopper(number)));
		}
		for (int i = 0; i < this.scrapers; i++) {
			int number = i;
			threads.add(start("scraper-" + i, () -> scraper(number)));
		}
		threads.add(start("admin", this::admin));
		Thread reporter = start("reporter", () -> {
			while (running()) {
				pause(5000);
				System.out.printf("%,d requests so far: %s%n", this.requests.get(), snapshot());
			}
		});
		for (Thread thread : threads) {
			thread.join();
		}
		reporter.interrupt();
		return snapshot();
	}

	private void shopper(int number) {
		Client client = new Client(url(number), "10.77." + (number / 250) + "." + (1 + number % 250));
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String customer = (number % 5 < 3) ? CUSTOMERS.get(number % CUSTOMERS.size()) : null;
		boolean signedIn = customer != null && client.signIn(customer);
		while (running()) {
			int roll = random.nextInt(100);
			if (roll < 8) {
				client.send("GET", "/api/products", null);
			}
			else if (signedIn && roll < 12) {
				int status = buy(client, random);
				if (status == 401) {
					signedIn = client.signIn(customer); // the session was ended (limit per user, sign-out everywhere)
				}
			}
			else {
				client.send("GET", "/api/products/" + hotProduct(random), null);
			}
			pause(100 + random.nextInt(300));
		}
	}

	private int buy(Client client, ThreadLocalRandom random) {
		String body = "{\"lines\":[{\"productId\":" + (1 + random.nextInt(PRODUCTS)) + ",\"quantity\":"
				+ (1 + random.nextInt(3)) + "}]}";
		HttpResponse<String> order = client.send("POST", "/api/orders", body);
		if (order == null || order.statusCode() != 200) {
			return (order != null) ? order.statusCode() : 0;
		}
		Matcher id = ID.matcher(order.body());
		if (!id.find()) {
			return 0;
		}
		String checkout = "/api/orders/" + id.group(1) + "/checkout";
		if (random.nextInt(4) == 0) {
			// A double click: two checkouts of one order at once; the lock lets one pay, the other finds it paid.
			Thread second = start("double-click", () -> client.send("POST", checkout, "{}"));
			client.send("POST", checkout, "{}");
			try {
				second.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		else {
			client.send("POST", checkout, "{}");
		}
		return 200;
	}

	/** Product ids skewed towards a few best sellers, like real traffic. */
	private static int hotProduct(ThreadLocalRandom random) {
		return (random.nextInt(100) < 70) ? 1 + random.nextInt(5) : 1 + random.nextInt(PRODUCTS);
	}

	private void scraper(int number) {
		Client client = new Client(url(number), "10.66.6." + (1 + number % 250));
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (running()) {
			HttpResponse<String> response = client.send("GET", "/api/products/" + (1 + random.nextInt(PRODUCTS)), null);
			pause((response != null && response.statusCode() == 429) ? 100 : 10);
		}
	}

	private void admin() {
		Client client = new Client(url(0), "10.55.0.1");
		ThreadLocalRandom random = ThreadLocalRandom.current();
		if (!client.signIn("admin")) {
			return;
		}
		long round = 0;
		while (running()) {
			pause(5000);
			round++;
			if (round % 2 == 0) {
				client.send("POST", "/api/admin/catalog/reimport", "{}");
			}
			else {
				client.send("PUT", "/api/admin/products/" + (1 + random.nextInt(5)) + "/price",
						"{\"priceCents\":" + (500 + random.nextInt(5000)) + "}");
			}
		}
	}

	private String url(int number) {
		return this.urls.get(number % this.urls.size());
	}

	private boolean running() {
		return System.nanoTime() - this.deadline < 0;
	}

	private Map<String, Long> snapshot() {
		Map<String, Long> snapshot = new TreeMap<>();
		this.answers.forEach((kind, count) -> snapshot.put(kind, count.sum()));
		return snapshot;
	}

	private static Thread start(String name, Runnable work) {
		Thread thread = new Thread(work, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new TreeMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument " + args[i]
						+ "; use --url URL[,URL] --users N --duration 60s --scrapers N");
			}
			String[] pair = args[i].substring(2).split("=", 2);
			options.put(pair[0], (pair.length == 2) ? pair[1] : args[++i]);
		}
		return options;
	}

	private static Duration parseDuration(String text) {
		if (text.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
		}
		if (text.endsWith("m")) {
			return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
		}
		return Duration.ofSeconds(Long.parseLong(text.endsWith("s") ? text.substring(0, text.length() - 1) : text));
	}

	/** One shopper's browser: its own cookies (session) and client address. */
	private final class Client {

		private final String base;

		private final String address;

		private final HttpClient http;

		Client(String base, String address) {
			this.base = base;
			this.address = address;
			this.http = HttpClient.newBuilder()
				.cookieHandler(new CookieManager())
				.connectTimeout(Duration.ofSeconds(5))
				.build();
		}

		boolean signIn(String user) {
			HttpResponse<String> response = send("POST", "/api/login",
					"{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}");
			return response != null && response.statusCode() == 200;
		}

		HttpResponse<String> send(String method, String path, String body) {
			HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + path))
				.timeout(Duration.ofSeconds(15))
				.header("X-Forwarded-For", this.address)
				.header("Content-Type", "application/json")
				.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
						: HttpRequest.BodyPublishers.noBody())
				.build();
			String kind = method + " " + path.replaceAll("/\\d+", "/{id}");
			LoadGenerator.this.requests.incrementAndGet();
			try {
				HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
				count(kind + " " + response.statusCode());
				return response;
			}
			catch (IOException ex) {
				count(kind + " failed");
				return null;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}

		private void count(String kind) {
			LoadGenerator.this.answers.computeIfAbsent(kind, (key) -> new LongAdder()).increment();
		}

	}

}
