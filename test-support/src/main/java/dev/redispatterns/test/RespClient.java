package dev.redispatterns.test;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal blocking RESP2 client used by the harness to administer the servers it starts.
 * It is deliberately independent of Lettuce so that driving a server (killing clients, forming a
 * cluster, flushing) never disturbs the connections under test.
 */
public final class RespClient implements Closeable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	public RespClient(String host, int port) {
		this(host, port, 10_000);
	}

	public RespClient(String host, int port, int timeoutMillis) {
		try {
			this.socket = new Socket();
			this.socket.connect(new InetSocketAddress(host, port), timeoutMillis);
			this.socket.setSoTimeout(timeoutMillis);
			this.socket.setTcpNoDelay(true);
			this.in = new BufferedInputStream(this.socket.getInputStream());
			this.out = new BufferedOutputStream(this.socket.getOutputStream());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot connect to Redis at " + host + ":" + port, ex);
		}
	}

	/** A client on a socket connected already, for example a TLS socket. */
	public RespClient(Socket socket, int timeoutMillis) {
		try {
			this.socket = socket;
			this.socket.setSoTimeout(timeoutMillis);
			this.socket.setTcpNoDelay(true);
			this.in = new BufferedInputStream(this.socket.getInputStream());
			this.out = new BufferedOutputStream(this.socket.getOutputStream());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot use the socket to " + socket.getRemoteSocketAddress(), ex);
		}
	}

	/** Runs one command against a fresh connection and closes it. */
	public static Object call(String host, int port, Object... args) {
		try (RespClient client = new RespClient(host, port)) {
			return client.command(args);
		}
	}

	/**
	 * Sends one command and returns its reply: {@code String} for simple and bulk strings, {@code Long}
	 * for integers, {@code List<Object>} for arrays and {@code null} for nil replies.
	 * @throws RedisErrorReply when the server answers with an error
	 */
	public Object command(Object... args) {
		try {
			writeCommand(args);
			this.out.flush();
			return readReply();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Same as {@link #command(Object...)} but returns the reply as a string. */
	public String string(Object... args) {
		Object reply = command(args);
		return (reply != null) ? reply.toString() : null;
	}

	private void writeCommand(Object... args) throws IOException {
		this.out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (Object arg : args) {
			byte[] bytes = (arg instanceof byte[] raw) ? raw : String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
			this.out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
			this.out.write(bytes);
			this.out.write('\r');
			this.out.write('\n');
		}
	}

	private Object readReply() throws IOException {
		int type = this.in.read();
		if (type == -1) {
			throw new IOException("Connection closed by server");
		}
		String line = readLine();
		switch (type) {
			case '+':
				return line;
			case '-':
				throw new RedisErrorReply(line);
			case ':':
				return Long.parseLong(line);
			case '$': {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] data = this.in.readNBytes(length);
				readLine();
				return new String(data, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<Object> items = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					items.add(readReply());
				}
				return items;
			}
			default:
				throw new IOException("Unexpected RESP type byte: " + (char) type);
		}
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
		int b;
		while ((b = this.in.read()) != -1) {
			if (b == '\r') {
				this.in.read();
				break;
			}
			buffer.write(b);
		}
		return buffer.toString(StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing an admin connection cannot fail in a way the caller can act on
		}
	}

	/** An error reply from the server, for example {@code ERR unknown command}. */
	public static final class RedisErrorReply extends RuntimeException {

		public RedisErrorReply(String message) {
			super(message);
		}

	}

}
