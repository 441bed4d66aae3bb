package dev.redispatterns.sample.reports;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.redispatterns.lock.DistributedLock;
import dev.redispatterns.sample.catalog.ProductViews;
import dev.redispatterns.sample.orders.OrderRepository;

/**
 * Yesterday's sales report, computed at night. Every instance schedules it; the lock lets one of them run
 * each tick and the others skip quietly. {@code holdAtLeast} keeps the lock a while after a quick run, so
 * an instance whose scheduler fires a little late still sees the tick as taken.
 */
@Component
public class DailyReportJob {

	private static final Log logger = LogFactory.getLog(DailyReportJob.class);

	private final OrderRepository orders;

	private final ProductViews views;

	private final JdbcClient jdbc;

	private final InstanceId instance;

	DailyReportJob(OrderRepository orders, ProductViews views, JdbcClient jdbc, InstanceId instance) {
		this.orders = orders;
		this.views = views;
		this.jdbc = jdbc;
		this.instance = instance;
	}

	@Scheduled(cron = "${shop.jobs.daily-report.cron}", zone = "UTC")
	@DistributedLock(name = "daily-report", skipIfLocked = true,
			holdAtLeast = "${shop.jobs.daily-report.hold-at-least}")
	public void run() {
		Instant started = Instant.now();
		LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
		long[] paid = this.orders.paidBetween(day.atStartOfDay(ZoneOffset.UTC).toInstant(),
				day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
		long visitors = this.views.visitors().count(day);
		this.views.visitors().mergeWeek(day); // keep the week's visitors after the daily buckets expire
		this.jdbc.sql("INSERT INTO daily_reports (started_at, instance, report_day, paid_orders, revenue_cents, "
				+ "unique_visitors) VALUES (?, ?, ?, ?, ?, ?)")
			.params(Timestamp.from(started), this.instance.id(), day, paid[0], paid[1], visitors)
			.update();
		logger.info("Daily report for " + day + " written by " + this.instance.id() + ": " + paid[0] + " orders");
	}

	/** The latest runs, newest first. */
	public List<ReportRun> latest(int count) {
		return this.jdbc
			.sql("SELECT started_at, instance, report_day, paid_orders, revenue_cents, unique_visitors FROM daily_reports "
					+ "ORDER BY started_at DESC, id DESC FETCH FIRST " + count + " ROWS ONLY")
			.query((rs, row) -> new ReportRun(rs.getTimestamp(1).toInstant(), rs.getString(2),
					rs.getObject(3, LocalDate.class), rs.getLong(4), rs.getLong(5), rs.getLong(6)))
			.list();
	}

	/**
	 * One run of the report.
	 * @param startedAt when it started
	 * @param instance the instance that ran it
	 * @param day the day reported on
	 * @param paidOrders orders paid that day
	 * @param revenueCents their total
	 * @param uniqueVisitors distinct visitors that day
	 */
	public record ReportRun(Instant startedAt, String instance, LocalDate day, long paidOrders, long revenueCents,
			long uniqueVisitors) {
	}

}
