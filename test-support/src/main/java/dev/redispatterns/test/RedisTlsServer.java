package dev.redispatterns.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A {@code redis-server} that speaks TLS only ({@code --port 0 --tls-port ...}) and requires client
 * certificates. Its self-signed server and client certificates are generated on the fly with the JDK's
 * {@code keytool}, so nothing but a JDK and a TLS-enabled {@code redis-server} is needed.
 */
public final class RedisTlsServer implements AutoCloseable {

	private static final String STORE_PASSWORD = "changeit";

	private final Path directory;

	private final int port;

	private final Process process;

	private RedisTlsServer(Path directory, int port, Process process) {
		this.directory = directory;
		this.port = port;
		this.process = process;
	}

	/** Generates certificates and starts the server on a free port. */
	public static RedisTlsServer start() {
		try {
			Path directory = Files.createTempDirectory("redis-tls-");
			Certificates.create(directory, "server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
			Certificates.create(directory, "client", "CN=redis-patterns-client", null);
			Certificates.create(directory, "stranger", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
			int port = PortFinder.freePort();
			List<String> command = new ArrayList<>(List.of(RedisServerProcess.executable(), "--port", "0", "--tls-port",
					Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
					directory.toString(), "--tls-cert-file", directory.resolve("server.crt").toString(),
					"--tls-key-file", directory.resolve("server.key").toString(), "--tls-ca-cert-file",
					directory.resolve("client.crt").toString(), "--tls-auth-clients", "yes"));
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(directory.resolve("redis.log").toFile())
				.start();
			RedisTlsServer server = new RedisTlsServer(directory, port, process);
			server.awaitReady();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public String host() {
		return "127.0.0.1";
	}

	public int port() {
		return this.port;
	}

	/** PEM file of the server's self-signed certificate (what clients trust). */
	public Path serverCertificate() {
		return this.directory.resolve("server.crt");
	}

	/** PEM file of the client certificate the server accepts. */
	public Path clientCertificate() {
		return this.directory.resolve("client.crt");
	}

	/** PEM file (PKCS#8) of the client certificate's private key. */
	public Path clientKey() {
		return this.directory.resolve("client.key");
	}

	/** PEM file of a certificate for the same host name that nobody trusts. */
	public Path strangerCertificate() {
		return this.directory.resolve("stranger.crt");
	}

	/**
	 * Spring Boot settings for the server: a PEM SSL bundle named {@code redis} that trusts the server's
	 * certificate and presents the client certificate.
	 */
	public String[] springProperties() {
		return springProperties(serverCertificate());
	}

	/** {@link #springProperties()} trusting {@code trusted} instead of the server's certificate. */
	public String[] springProperties(Path trusted) {
		return new String[] { "spring.data.redis.host=" + host(), "spring.data.redis.port=" + this.port,
				"spring.data.redis.ssl.enabled=true", "spring.data.redis.ssl.bundle=redis",
				"spring.ssl.bundle.pem.redis.truststore.certificate=" + trusted.toUri(),
				"spring.ssl.bundle.pem.redis.keystore.certificate=" + clientCertificate().toUri(),
				"spring.ssl.bundle.pem.redis.keystore.private-key=" + clientKey().toUri() };
	}

	/** Runs an administrative command over TLS, as the trusted client. */
	public Object command(Object... args) {
		try (RespClient client = new RespClient(connect(5_000), 5_000)) {
			return client.command(args);
		}
	}

	private SSLSocket connect(int timeoutMillis) {
		try {
			KeyStore clientStore = KeyStore.getInstance("PKCS12");
			try (InputStream in = Files.newInputStream(this.directory.resolve("client.p12"))) {
				clientStore.load(in, STORE_PASSWORD.toCharArray());
			}
			KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keys.init(clientStore, STORE_PASSWORD.toCharArray());
			KeyStore trusted = KeyStore.getInstance("PKCS12");
			trusted.load(null, null);
			try (InputStream in = Files.newInputStream(serverCertificate())) {
				trusted.setCertificateEntry("server",
						CertificateFactory.getInstance("X.509").generateCertificate(in));
			}
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trusted);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
			SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
			socket.connect(new InetSocketAddress(host(), this.port), timeoutMillis);
			socket.startHandshake();
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		RuntimeException last = null;
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server (TLS) exited: " + log());
			}
			try {
				if ("PONG".equals(command("PING"))) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex;
			}
			RedisServerProcess.sleep(50);
		}
		close();
		throw new IllegalStateException("redis-server (TLS) did not answer PING: " + log(), last);
	}

	private String log() {
		try {
			return Files.readString(this.directory.resolve("redis.log"));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// temp files are cleaned by the OS eventually
		}
	}

	/** Self-signed certificates made with keytool, exported as PEM for redis-server and Spring Boot. */
	private static final class Certificates {

		static void create(Path directory, String name, String subject, String extension) throws IOException {
			Path store = directory.resolve(name + ".p12");
			List<String> command = new ArrayList<>(List.of(keytool(), "-genkeypair", "-alias", name, "-keyalg", "EC",
					"-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", subject, "-validity", "2",
					"-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", STORE_PASSWORD));
			if (extension != null) {
				command.addAll(List.of("-ext", extension));
			}
			Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			try {
				if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
					throw new IllegalStateException("keytool failed: " + output);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			try (InputStream in = Files.newInputStream(store)) {
				KeyStore keyStore = KeyStore.getInstance("PKCS12");
				keyStore.load(in, STORE_PASSWORD.toCharArray());
				Certificate certificate = keyStore.getCertificate(name);
				Key key = keyStore.getKey(name, STORE_PASSWORD.toCharArray());
				Files.writeString(directory.resolve(name + ".crt"), pem("CERTIFICATE", certificate.getEncoded()));
				Files.writeString(directory.resolve(name + ".key"), pem("PRIVATE KEY", key.getEncoded()));
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

		private static String pem(String type, byte[] der) {
			return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
					+ "\n-----END " + type + "-----\n";
		}

		private static String keytool() {
			Path bin = Path.of(System.getProperty("java.home"), "bin", "keytool");
			return Files.isExecutable(bin) ? bin.toString() : "keytool";
		}

	}

}
