package dev.redispatterns.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.redispatterns.test.RespClient;

/**
 * Counts the commands Redis runs while it is open, with {@code MONITOR} on a connection of its own:
 * those sent by clients (round trips) apart from those run inside scripts ({@code [0 lua]}), which
 * {@code INFO}'s counter cannot tell apart. {@code MONITOR} slows the server down, so the workloads use
 * it only in a round that is not timed.
 */
public final class CommandMonitor implements AutoCloseable {

	private static final String END = "bench-monitor-end";

	private final String host;

	private final int port;

	private final Socket socket;

	private final Thread reader;

	private final CountDownLatch subscribed = new CountDownLatch(1);

	private final CountDownLatch ended = new CountDownLatch(1);

	private volatile long clientCommands;

	private volatile long scriptCommands;

	public CommandMonitor(String host, int port) {
		this.host = host;
		this.port = port;
		try {
			this.socket = new Socket();
			this.socket.connect(new InetSocketAddress(host, port), 10_000);
			OutputStream out = this.socket.getOutputStream();
			out.write("*1\r\n$7\r\nMONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open a MONITOR connection to " + host + ":" + port, ex);
		}
		this.reader = new Thread(this::read, "bench-monitor");
		this.reader.setDaemon(true);
		this.reader.start();
		try {
			if (!this.subscribed.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("MONITOR not confirmed within 10 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private void read() {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				if (line.equals("+OK")) {
					this.subscribed.countDown();
					continue;
				}
				if (line.contains(END)) {
					this.ended.countDown();
					return;
				}
				int open = line.indexOf(" [");
				int close = line.indexOf("] ", open + 1);
				if (open < 0 || close < 0) {
					continue;
				}
				if (line.startsWith("lua", close - 3)) {
					this.scriptCommands++;
				}
				else {
					this.clientCommands++;
				}
			}
		}
		catch (IOException ex) {
			// closed
		}
		finally {
			this.subscribed.countDown();
			this.ended.countDown();
		}
	}

	/**
	 * Waits until every command Redis ran before this call has been counted (a marker command comes back
	 * through the monitor last), then stops counting.
	 */
	public void finish() throws InterruptedException {
		RespClient.call(this.host, this.port, "ECHO", END);
		if (!this.ended.await(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("MONITOR did not see its end marker within 10 s");
		}
	}

	/** Commands clients sent (round trips), excluding the end marker. */
	public long clientCommands() {
		return this.clientCommands;
	}

	/** Commands run inside scripts. */
	public long scriptCommands() {
		return this.scriptCommands;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
