package dev.redispatterns.benchmarks.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.lettuce.core.RedisClient;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.HdrHistogram.ConcurrentHistogram;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.CellResult;
import dev.redispatterns.benchmarks.harness.Clients;
import dev.redispatterns.benchmarks.harness.ErrorLog;
import dev.redispatterns.benchmarks.harness.Implementation;
import dev.redispatterns.benchmarks.harness.ReportStyle;
import dev.redispatterns.benchmarks.harness.SubjectWorkload;

/**
 * Stream end to end: one producer thread adds messages ({@code XADD} on its own pipelined Lettuce
 * connection, the same for every implementation) while the implementation's consumers read them through a
 * consumer group and acknowledge them. At most {@value #IN_FLIGHT} messages are unacknowledged at any
 * time, so the consumers set the pace and the latency (sent to acknowledged) stays meaningful.
 */
public final class StreamWorkload extends SubjectWorkload<StreamSubject> {

	static final int IN_FLIGHT = 1_000;

	private static final int DRAIN_SECONDS = 10;

	private static final String FILLER = "x".repeat(180);

	private final int consumers;

	public StreamWorkload(String id, String title, int consumers, List<Implementation<StreamSubject>> implementations) {
		super(id, title, "One operation = one message added by the producer, read by one of " + consumers
				+ " consumer" + ((consumers > 1) ? "s" : "") + " of one group and acknowledged (at most " + String.format("%,d", IN_FLIGHT)
				+ " unacknowledged); the latency is from XADD to the acknowledgement (the completed XACK; for this "
				+ "starter: the handler returned, the XACK follows asynchronously). After the window the producer "
				+ "stops and every message must end acknowledged (XPENDING 0). Redis commands include the "
				+ "producer's XADD.", consumers, 1, implementations);
		this.consumers = consumers;
	}

	@Override
	public ReportStyle reportStyle() {
		return ReportStyle.throughput("messages/s", "sent to acknowledged", "");
	}

	@Override
	protected CellResult measure(StreamSubject subject, CellContext context) throws Exception {
		String group = "bench";
		String stream = subject.key("bench");
		context.admin("XGROUP", "CREATE", stream, group, "$", "MKSTREAM");
		Semaphore window = new Semaphore(IN_FLIGHT);
		ConcurrentHistogram latency = new ConcurrentHistogram(CellResult.MAX_TRACKED_NANOS, 3);
		LongAdder acknowledged = new LongAdder();
		AtomicBoolean measuring = new AtomicBoolean();
		subject.start("bench", group, this.consumers, (sentAt) -> {
			long now = System.nanoTime();
			window.release();
			if (measuring.get()) {
				latency.recordValue(Math.min(now - sentAt, CellResult.MAX_TRACKED_NANOS));
				acknowledged.increment();
			}
		});
		ErrorLog errors = new ErrorLog();
		LongAdder producerErrors = new LongAdder();
		AtomicBoolean running = new AtomicBoolean(true);
		RedisClient client = Clients.lettuce(context);
		StatefulRedisConnection<String, String> connection = client.connect();
		RedisAsyncCommands<String, String> commands = connection.async();
		XAddArgs trim = XAddArgs.Builder.maxlen(100_000).approximateTrimming();
		Thread producer = new Thread(() -> {
			while (running.get()) {
				try {
					if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
						continue;
					}
				}
				catch (InterruptedException ex) {
					return;
				}
				commands.xadd(stream, trim, Map.of(StreamSubject.PAYLOAD, StreamSubject.payload(System.nanoTime(), FILLER)))
					.whenComplete((id, failure) -> {
							if (failure != null) {
								window.release();
								producerErrors.increment();
								errors.record(failure);
							}
						});
			}
		}, "bench-producer");
		producer.setDaemon(true);
		context.ready();
		producer.start();
		try {
			TimeUnit.NANOSECONDS.sleep(context.warmupNanos());
			long commandsBefore = context.commandsProcessed();
			long begin = System.nanoTime();
			measuring.set(true);
			TimeUnit.NANOSECONDS.sleep(context.measureNanos());
			measuring.set(false);
			long end = System.nanoTime();
			long redisCommands = context.commandsProcessed() - commandsBefore - 1;
			long pendingAtEnd = pending(context, stream, group);
			long messages = acknowledged.sum();
			running.set(false);
			producer.join(5_000);
			List<String> notes = new ArrayList<>();
			notes.add(String.format(Locale.ROOT, "%,d entries were pending (delivered, not yet acknowledged) in "
					+ "Redis when the window closed", pendingAtEnd));
			String drained = drain(context, stream, group, window);
			if (drained != null) {
				notes.add(drained);
			}
			return new CellResult("", "", 1, end - begin, messages, messages, producerErrors.sum(), errors.samples(),
					CellResult.encode(latency), redisCommands, Map.of("pendingAtEnd", (double) pendingAtEnd), notes,
					null);
		}
		finally {
			running.set(false);
			producer.join(5_000);
			connection.close();
			client.shutdown();
		}
	}

	/**
	 * Once the producer stopped, every message it added must be handled and acknowledged: waits (at most
	 * {@value #DRAIN_SECONDS} s) until the consumers reported all of them and Redis holds none pending.
	 * @return a note when that did not happen, otherwise {@code null}
	 */
	private static String drain(CellContext context, String stream, String group, Semaphore window)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
		long pending = -1;
		while (System.nanoTime() - deadline < 0) {
			pending = pending(context, stream, group);
			if (pending == 0 && window.availablePermits() == IN_FLIGHT) {
				return null;
			}
			Thread.sleep(20);
		}
		return String.format(Locale.ROOT, "not drained %d s after the producer stopped: %,d messages unreported, "
				+ "%,d pending in Redis", DRAIN_SECONDS, IN_FLIGHT - window.availablePermits(), pending);
	}

	private static long pending(CellContext context, String stream, String group) {
		Object reply = context.admin("XPENDING", stream, group);
		return (reply instanceof List<?> summary && !summary.isEmpty() && summary.get(0) instanceof Long count) ? count
				: -1;
	}

}
