package dev.redispatterns.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A loopback TCP proxy in front of a Redis server that misbehaves on request, so tests can watch an
 * application through network faults: added latency, connections cut, connections refused and a black
 * hole (connections accepted and kept open, nothing delivered either way). {@link #heal()} ends every
 * fault.
 * <p>
 * Bytes are never dropped or reordered: a black hole holds them and delivers them, in order, once it is
 * healed, as TCP does when a partition ends before the connection gives up. (Dropping bytes from the
 * middle of a stream is not something a network does, and would desynchronise any RESP client.) Point an
 * application at {@link #springProperties()} instead of the server's.
 */
public final class FaultyProxy implements AutoCloseable {

	/** Name prefix of every thread the proxy runs, so leak checks can leave them out. */
	public static final String THREAD_PREFIX = "faulty-proxy-";

	private static final int BUFFER = 16 * 1024;

	private final String targetHost;

	private final int targetPort;

	private final ServerSocket server;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final AtomicLong accepted = new AtomicLong();

	private final AtomicInteger threads = new AtomicInteger();

	private volatile long latencyNanos;

	private volatile boolean blackHoleRequests;

	private volatile boolean blackHoleReplies;

	private volatile boolean refusing;

	private volatile boolean closed;

	private FaultyProxy(String targetHost, int targetPort) {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		try {
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread acceptor = new Thread(this::accept, THREAD_PREFIX + port() + "-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** A proxy on a free loopback port forwarding to {@code host:port}. */
	public static FaultyProxy start(String host, int port) {
		return new FaultyProxy(host, port);
	}

	/** A proxy in front of the first data node of {@code redis}. */
	public static FaultyProxy to(RedisDeployment redis) {
		return start(redis.host(), redis.port());
	}

	public String host() {
		return "127.0.0.1";
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/** {@code spring.data.redis.*} settings that send an application through the proxy. */
	public String[] springProperties() {
		return new String[] { "spring.data.redis.host=" + host(), "spring.data.redis.port=" + port() };
	}

	/**
	 * Delays every reply (server to client) by {@code latency}, so a round trip takes that much longer;
	 * {@link Duration#ZERO} removes the delay.
	 */
	public void latency(Duration latency) {
		this.latencyNanos = latency.toNanos();
		signal();
	}

	/** Resets every open connection (TCP RST to both ends); new connections are accepted as usual. */
	public void cut() {
		for (Link link : List.copyOf(this.links)) {
			link.close(true);
		}
	}

	/** Resets every open connection and refuses new ones until {@link #heal()}: the server looks down. */
	public void refuse() {
		this.refusing = true;
		cut();
	}

	/**
	 * Keeps connections open but delivers nothing in either direction until {@link #heal()}; new connections
	 * are accepted and stay silent too. Clients see a server that never answers.
	 */
	public void blackHole() {
		this.blackHoleRequests = true;
		this.blackHoleReplies = true;
		signal();
	}

	/**
	 * Delivers requests but holds every reply until {@link #heal()} (or drops them with the connection on
	 * {@link #cut()}): the server does the work, the client never hears of it.
	 */
	public void blackHoleReplies() {
		this.blackHoleReplies = true;
		signal();
	}

	/** Ends every fault: no latency, bytes held by a black hole are delivered, connections accepted. */
	public void heal() {
		this.latencyNanos = 0;
		this.blackHoleRequests = false;
		this.blackHoleReplies = false;
		this.refusing = false;
		signal();
	}

	/** Connections open through the proxy right now. */
	public int openConnections() {
		return this.links.size();
	}

	/** Connections accepted since the proxy started. */
	public long acceptedConnections() {
		return this.accepted.get();
	}

	private void signal() {
		this.lock.lock();
		try {
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void accept() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				if (this.closed) {
					return;
				}
				continue;
			}
			if (this.refusing) {
				reset(client);
				continue;
			}
			this.accepted.incrementAndGet();
			try {
				Socket upstream = new Socket();
				upstream.connect(new InetSocketAddress(this.targetHost, this.targetPort), 5_000);
				client.setTcpNoDelay(true);
				upstream.setTcpNoDelay(true);
				Link link = new Link(client, upstream);
				this.links.add(link);
				link.start();
			}
			catch (IOException ex) {
				// the server itself is down: the client sees its connection reset
				reset(client);
			}
		}
	}

	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (SocketException ex) {
			// already closed
		}
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		heal();
		cut();
	}

	/** One proxied connection: two directions, each a reader thread and a writer thread. */
	private final class Link {

		private final Socket client;

		private final Socket upstream;

		private volatile boolean open = true;

		Link(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void start() throws IOException {
			int id = FaultyProxy.this.threads.incrementAndGet();
			pipe(this.client.getInputStream(), this.upstream.getOutputStream(), false, id + "-up");
			pipe(this.upstream.getInputStream(), this.client.getOutputStream(), true, id + "-down");
		}

		private void pipe(InputStream in, OutputStream out, boolean replies, String name) {
			BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
			Thread reader = new Thread(() -> read(in, queue), THREAD_PREFIX + port() + "-" + name + "-read");
			Thread writer = new Thread(() -> write(queue, out, replies), THREAD_PREFIX + port() + "-" + name + "-write");
			reader.setDaemon(true);
			writer.setDaemon(true);
			reader.start();
			writer.start();
		}

		private void read(InputStream in, BlockingQueue<Chunk> queue) {
			byte[] buffer = new byte[BUFFER];
			try {
				int read;
				while ((read = in.read(buffer)) != -1) {
					queue.add(new Chunk(Arrays.copyOf(buffer, read), System.nanoTime()));
				}
			}
			catch (IOException ex) {
				// reset by either end, or by cut()
			}
			queue.add(Chunk.END);
		}

		private void write(BlockingQueue<Chunk> queue, OutputStream out, boolean replies) {
			try {
				while (this.open) {
					Chunk chunk = queue.poll(100, TimeUnit.MILLISECONDS);
					if (chunk == null) {
						continue;
					}
					if (chunk == Chunk.END) {
						break;
					}
					if (!awaitDelivery(chunk, replies)) {
						break;
					}
					out.write(chunk.bytes);
					out.flush();
				}
			}
			catch (IOException ex) {
				// reset by either end, or by cut()
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			close(false);
		}

		/** Waits while a black hole holds the chunk or its latency has not passed; false once closed. */
		private boolean awaitDelivery(Chunk chunk, boolean replies) throws InterruptedException {
			ReentrantLock lock = FaultyProxy.this.lock;
			lock.lock();
			try {
				while (this.open) {
					if (replies ? FaultyProxy.this.blackHoleReplies : FaultyProxy.this.blackHoleRequests) {
						FaultyProxy.this.changed.await(100, TimeUnit.MILLISECONDS);
						continue;
					}
					long wait = replies ? chunk.receivedNanos + FaultyProxy.this.latencyNanos - System.nanoTime() : 0;
					if (wait <= 0) {
						return true;
					}
					FaultyProxy.this.changed.awaitNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
				}
				return false;
			}
			finally {
				lock.unlock();
			}
		}

		void close(boolean reset) {
			this.open = false;
			FaultyProxy.this.links.remove(this);
			if (reset) {
				reset(this.client);
				reset(this.upstream);
			}
			else {
				closeQuietly(this.client);
				closeQuietly(this.upstream);
			}
		}

		private static void closeQuietly(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// nothing to do
			}
		}

	}

	private record Chunk(byte[] bytes, long receivedNanos) {

		static final Chunk END = new Chunk(new byte[0], 0);

	}

}
