package dev.redispatterns.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one cell in fresh JVMs: starts {@code workload.jvms()} JVMs on this process's class path, waits until
 * each says it is ready, tells them all to go at once, and merges their results. Standard error and any
 * stray output go to the cell's log file.
 */
public final class CellLauncher {

	/**
	 * How long a cell's JVMs may take to set up and warm up alone: four Spring Boot applications starting at
	 * once on a loaded two-core machine took more than two minutes.
	 */
	private static final Duration SETUP_LIMIT = Duration.ofSeconds(300);

	private final SuiteOptions options;

	private final String host;

	private final int port;

	public CellLauncher(SuiteOptions options, String host, int port) {
		this.options = options;
		this.host = host;
		this.port = port;
	}

	public CellResult run(Workload workload, Implementation<?> implementation) {
		String cell = workload.id() + "/" + implementation.id();
		Path log = this.options.logs().resolve(workload.id() + "_" + implementation.id() + ".log");
		List<Child> children = new ArrayList<>();
		try {
			Files.createDirectories(log.getParent());
			Files.deleteIfExists(log);
			int jvms = workload.jvms();
			for (int i = 0; i < jvms; i++) {
				int threads = workload.threads() / jvms + ((i < workload.threads() % jvms) ? 1 : 0);
				children.add(start(workload, implementation, i, jvms, threads, log));
			}
			for (Child child : children) {
				if (!child.ready.await(SETUP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
					return CellResult.failed(workload.id(), implementation.id(),
							"not ready within " + SETUP_LIMIT.toSeconds() + " s (see " + log + ")");
				}
			}
			for (Child child : children) {
				child.go();
			}
			long limit = workload.timeLimit(this.options).toMillis();
			long deadline = System.currentTimeMillis() + limit;
			List<CellResult> parts = new ArrayList<>();
			for (Child child : children) {
				long left = Math.max(1, deadline - System.currentTimeMillis());
				if (!child.process.waitFor(left, TimeUnit.MILLISECONDS)) {
					return CellResult.failed(workload.id(), implementation.id(),
							"did not finish within " + limit / 1000 + " s (see " + log + ")");
				}
				child.reader.get(10, TimeUnit.SECONDS);
				if (child.result == null) {
					return CellResult.failed(workload.id(), implementation.id(),
							"JVM " + child.index + " exited with " + child.process.exitValue() + " and no result (see "
									+ log + ")");
				}
				parts.add(child.result);
			}
			return CellResult.merge(parts);
		}
		catch (Exception ex) {
			return CellResult.failed(workload.id(), implementation.id(), cell + ": " + ex);
		}
		finally {
			for (Child child : children) {
				if (child.process.isAlive()) {
					child.process.destroyForcibly();
				}
			}
		}
	}

	private Child start(Workload workload, Implementation<?> implementation, int index, int jvms, int threads,
			Path log) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(this.options.childJvmArgs());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(CellMain.class.getName());
		command.addAll(CellMain.arguments(workload, implementation.id(), index, jvms, threads, this.host,
				this.port, this.options));
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		Child child = new Child(index, process);
		child.reader = CompletableFuture.runAsync(() -> child.readOutput(log));
		return child;
	}

	private static final class Child {

		final int index;

		final Process process;

		final CountDownLatch ready = new CountDownLatch(1);

		volatile CellResult result;

		CompletableFuture<Void> reader;

		Child(int index, Process process) {
			this.index = index;
			this.process = process;
		}

		void go() {
			OutputStream in = this.process.getOutputStream();
			PrintWriter writer = new PrintWriter(in, true, StandardCharsets.UTF_8);
			writer.println(CellContext.GO);
			writer.flush();
		}

		void readOutput(Path log) {
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = out.readLine()) != null) {
					if (line.equals(CellContext.READY)) {
						this.ready.countDown();
					}
					else if (line.startsWith(CellMain.RESULT)) {
						this.result = CellResult.fromJson(line.substring(CellMain.RESULT.length()));
						this.ready.countDown();
					}
					else {
						synchronized (Child.class) {
							Files.writeString(log, "[jvm " + this.index + " stdout] " + line + "\n",
									StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
									java.nio.file.StandardOpenOption.APPEND);
						}
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			finally {
				this.ready.countDown();
			}
		}

	}

}
