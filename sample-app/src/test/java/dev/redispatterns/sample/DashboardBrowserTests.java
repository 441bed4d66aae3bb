package dev.redispatterns.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (Debian's headless Chromium through chromedriver): after the load script
 * has driven some traffic the page shows non-zero metrics, its charts draw lines that keep growing while the
 * page stays open, and a notification the app publishes appears without reloading the page. Leaves
 * screenshots in {@code target/dashboard.png} and, at a phone's width, {@code target/dashboard-narrow.png}.
 */
class DashboardBrowserTests extends ShopApplicationTestSupport {

	private static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");

	private static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");

	/** The page's time-series charts: one {@code <figure>} each, holding an SVG with a path per series. */
	private static final List<String> CHARTS = List.of("chart-hit-ratio", "chart-decisions", "chart-locks",
			"chart-stream-lag");

	/** Height of the charts' plot area in SVG units: a point drawn above zero has a smaller y. */
	private static final double PLOT_HEIGHT = 80;

	private Path profile;

	private WebDriver browser;

	@BeforeEach
	void openBrowser() throws IOException {
		assertThat(Files.isExecutable(Path.of(CHROMIUM))).as("Chromium is needed for this test: apt-get install -y chromium chromium-driver "
				+ "(.ci/run installs it), or set -Dchromium.binary=...").isTrue();
		assertThat(Files.isExecutable(Path.of(CHROMEDRIVER))).as("chromedriver is needed for this test: apt-get install -y chromium-driver "
				+ "(.ci/run installs it), or set -Dchromedriver.binary=...").isTrue();
		this.profile = Files.createTempDirectory("dashboard-browser-");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM);
		// This machine has no outside network: without these flags Chromium stalls on background connections.
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1400,1100", "--user-data-dir=" + this.profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(service, options);
	}

	@AfterEach
	void closeBrowser() throws IOException {
		if (this.browser != null) {
			this.browser.quit();
		}
		if (this.profile != null) {
			try (var paths = Files.walk(this.profile)) {
				paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
		}
	}

	@Test
	void dashboardShowsLiveMetricsChartsAndNotifications() throws Exception {
		String base = "http://localhost:" + this.port;
		this.browser.get(base + "/");
		((JavascriptExecutor) this.browser).executeScript("window.notReloaded = true");
		WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(60));
		wait.until((page) -> "open".equals(page.findElement(By.tagName("body")).getDomAttribute("data-sse")));

		// Traffic: the load script for a few seconds, then a scraper past its limit and one sure purchase
		// (the load script's own purchases are random and the machine may be slow).
		String load = runLoadScript("--url", base, "--users", "6", "--duration", "5s");
		assertThat(load).contains("Done: ").contains("GET /api/products/{id} 200=");
		ShopClient scraper = client("10.9.0.2");
		int sent = 0;
		int status;
		do {
			status = scraper.get("/api/products/3").statusCode();
		}
		while (status != 429 && ++sent < 150);
		assertThat(status).as("the scraper is refused past the per-address limit").isEqualTo(429);
		ShopClient buyer = client("10.9.0.3");
		assertThat(buyer.signIn("zoe").statusCode()).isEqualTo(200);
		long orderId = buyer.order(4, 1);
		assertThat(buyer.post("/api/orders/" + orderId + "/checkout", "{}").statusCode()).isEqualTo(200);

		wait.until((page) -> number(page, "db-queries") > 0 && !text(page, "cache-hit-ratio").equals("–")
				&& !text(page, "cache-hit-ratio").startsWith("0.0"));
		wait.until((page) -> !page.findElements(By.cssSelector("#rate-limit-rows td.bad")).isEmpty());
		wait.until((page) -> page.findElement(By.id("stream-rows")).getText().contains("orders / email"));
		wait.until((page) -> page.findElement(By.id("leaderboard")).getText().contains("zoe"));
		wait.until((page) -> page.findElement(By.id("notifications")).getText().contains("Order #" + orderId));

		// The charts: a line of several samples each, with an accessible name, showing the traffic above.
		for (String chart : CHARTS) {
			waitForChart(chart, "a line of at least 5 points", (page) -> longestLine(page, chart) >= 5);
			WebElement svg = this.browser.findElement(By.cssSelector("#" + chart + " svg"));
			assertThat(svg.getDomAttribute("role")).isEqualTo("img");
			assertThat(svg.getDomAttribute("aria-labelledby")).contains(chart + "-title");
			assertThat(this.browser.findElement(By.id(chart + "-title")).getDomProperty("textContent"))
				.contains("over the last minutes");
			assertThat(this.browser.findElement(By.cssSelector("#" + chart + " .legend")).getText()).isNotBlank();
		}
		waitForChart("chart-hit-ratio", "products above 0 %", (page) -> highest(page, "chart-hit-ratio", "products") > 0);
		waitForChart("chart-decisions", "allowed above 0/s", (page) -> highest(page, "chart-decisions", "allowed") > 0);
		waitForChart("chart-decisions", "rejected above 0/s", (page) -> highest(page, "chart-decisions", "rejected") > 0);
		waitForChart("chart-locks", "acquired above 0/s", (page) -> highest(page, "chart-locks", "acquired") > 0);
		assertThat(this.browser.findElements(By.cssSelector("#chart-stream-lag path[data-series='orders / email']")))
			.hasSize(1);

		// ... and they keep moving while the page stays open. The rate and lag charts add a point every second;
		// the hit ratio only while its 30-second window has reads, so read the catalogue listing (a miss, then
		// a near-cache hit) to give its second line some.
		Map<String, Long> before = new LinkedHashMap<>();
		CHARTS.forEach((chart) -> before.put(chart, points(this.browser, chart)));
		assertThat(buyer.get("/api/products").statusCode()).isEqualTo(200);
		assertThat(buyer.get("/api/products").statusCode()).isEqualTo(200);
		for (String chart : CHARTS) {
			waitForChart(chart, "more than the " + before.get(chart) + " points it had",
					(page) -> points(page, chart) > before.get(chart));
		}
		waitForChart("chart-hit-ratio", "a catalogue listing line",
				(page) -> highest(page, "chart-hit-ratio", "catalogue listing") >= 0);

		String message = "Hello from the browser test " + UUID.randomUUID();
		assertThat(client("10.9.0.1").post("/api/notifications", "{\"message\":\"" + message + "\"}").statusCode())
			.isEqualTo(200);
		wait.until((page) -> page.findElement(By.id("notifications")).getText().contains(message));
		assertThat(((JavascriptExecutor) this.browser).executeScript("return window.notReloaded")).isEqualTo(true);

		Path screenshot = Path.of("target", "dashboard.png");
		Files.createDirectories(screenshot.getParent());
		Files.write(screenshot, ((ChromeDriver) this.browser).getScreenshotAs(OutputType.BYTES));
		assertThat(screenshot).isNotEmptyFile();

		// A phone's width: one column, nothing wider than the screen, the charts still drawn.
		this.browser.manage().window().setSize(new Dimension(390, 1100));
		wait.until((page) -> ((Number) script(page, "return window.innerWidth")).intValue() <= 400);
		assertThat(((Number) script(this.browser, "return document.documentElement.scrollWidth - window.innerWidth"))
			.intValue()).as("horizontal overflow in pixels").isLessThanOrEqualTo(0);
		for (String chart : CHARTS) {
			WebElement svg = this.browser.findElement(By.cssSelector("#" + chart + " svg"));
			assertThat(svg.getRect().getWidth()).isBetween(200, 390);
		}
		Files.write(Path.of("target", "dashboard-narrow.png"),
				((ChromeDriver) this.browser).getScreenshotAs(OutputType.BYTES));
	}

	/** Waits for a chart to meet a condition; on timeout, says which and how many points its lines have. */
	private void waitForChart(String chart, String what, Function<WebDriver, Boolean> condition) {
		new WebDriverWait(this.browser, Duration.ofSeconds(60))
			.withMessage(() -> chart + ": " + what + " (points per line now: " + pointsPerLine(this.browser, chart) + ")")
			.until(condition);
	}

	/** Points of all lines in a chart together (path commands M and L, one per sample drawn). */
	private static long points(WebDriver page, String chart) {
		return pointsPerLine(page, chart).stream().mapToLong(Long::longValue).sum();
	}

	/** Points of the chart's longest line. */
	private static long longestLine(WebDriver page, String chart) {
		return pointsPerLine(page, chart).stream().mapToLong(Long::longValue).max().orElse(0);
	}

	@SuppressWarnings("unchecked")
	private static List<Long> pointsPerLine(WebDriver page, String chart) {
		return (List<Long>) script(page, "return [...document.querySelectorAll('#' + arguments[0] + ' svg path')]"
				+ ".map((p) => ((p.getAttribute('d') || '').match(/[ML]/g) || []).length)", chart);
	}

	/** How far above zero a series' line reaches at its highest, in SVG units; -1 if the chart has no such line. */
	private static double highest(WebDriver page, String chart, String series) {
		return ((Number) script(page, "const path = [...document.querySelectorAll('#' + arguments[0] + ' svg path')]"
				+ ".find((p) => p.dataset.series === arguments[1]);"
				+ "if (!path) return -1;"
				+ "const ys = [...path.getAttribute('d').matchAll(/[ML]\\s*[-\\d.]+\\s+([-\\d.]+)/g)].map((m) => Number(m[1]));"
				+ "return ys.length ? arguments[2] - Math.min(...ys) : -1;", chart, series, PLOT_HEIGHT)).doubleValue();
	}

	private static Object script(WebDriver page, String script, Object... arguments) {
		return ((JavascriptExecutor) page).executeScript(script, arguments);
	}

	/** Runs the load command of docs/getting-started.md (a single-file Java program) against the shop. */
	private static String runLoadScript(String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				Path.of("load", "LoadGenerator.java").toString()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
			try {
				return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("The load script did not stop by itself");
		}
		String printed = output.get(10, TimeUnit.SECONDS);
		assertThat(process.exitValue()).as(printed).isZero();
		return printed;
	}

	private static String text(WebDriver page, String id) {
		return page.findElement(By.id(id)).getText().trim();
	}

	private static long number(WebDriver page, String id) {
		String digits = text(page, id).replaceAll("[^0-9]", "");
		return digits.isEmpty() ? 0 : Long.parseLong(digits);
	}

}
