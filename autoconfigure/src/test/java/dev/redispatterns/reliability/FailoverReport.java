package dev.redispatterns.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The failover report, {@code target/reliability/failover.md}: one section per failover suite (Sentinel,
 * Cluster, locks), always in that order whichever suite ran first, rewritten after each suite so that one
 * run of the three produces the whole file. The suites may run in different JVMs (surefire forks), so each
 * section is kept in its own file under {@code target/reliability/failover/} and the report is assembled
 * from those under a file lock; a section stays until its suite runs again (or {@code mvn clean}).
 */
final class FailoverReport {

	static final Path FILE = Path.of("target", "reliability", "failover.md");

	private static final Path SECTIONS = Path.of("target", "reliability", "failover");

	private FailoverReport() {
	}

	/** Sets section {@code order} and rewrites the file with every section written so far. */
	static synchronized void write(int order, String markdown) {
		try {
			Files.createDirectories(SECTIONS);
			try (FileChannel channel = FileChannel.open(SECTIONS.resolve("lock"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
				Files.writeString(SECTIONS.resolve(order + ".md"), markdown, StandardCharsets.UTF_8);
				Map<Integer, String> sections = new TreeMap<>();
				try (Stream<Path> files = Files.list(SECTIONS)) {
					for (Path file : files.toList()) {
						String name = file.getFileName().toString();
						if (name.matches("\\d+\\.md")) {
							sections.put(Integer.valueOf(name.substring(0, name.length() - 3)),
									Files.readString(file, StandardCharsets.UTF_8));
						}
					}
				}
				Files.writeString(FILE, String.join("\n", sections.values()), StandardCharsets.UTF_8);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The scenario × pattern table of a failover suite. */
	static final class Table {

		private final List<String> scenarios = new ArrayList<>();

		private final List<String> rows = new ArrayList<>();

		private final List<String> notes = new ArrayList<>();

		synchronized void scenario(String name, String how) {
			this.scenarios.add("| " + name + " | " + how + " |");
		}

		synchronized void row(String scenario, String pattern, Observations observations,
				Observations.@org.jspecify.annotations.Nullable Interruption interruption) {
			String failing;
			String back;
			if (interruption == null) {
				failing = "none";
				back = "—";
			}
			else {
				failing = "from " + Observations.seconds(interruption.first());
				back = (interruption.back() != null) ? Observations.seconds(interruption.back()) : "not within the run";
			}
			this.rows.add("| " + scenario + " | " + pattern + " | " + observations.behaviour() + " | "
					+ observations.errors() + " | " + failing + " | " + back + " |");
		}

		synchronized void note(String note) {
			this.notes.add(note);
		}

		synchronized String markdown(String title, String settings) {
			StringBuilder out = new StringBuilder();
			out.append("#### ").append(title).append("\n\n");
			out.append("| scenario | how it is injected |\n| --- | --- |\n");
			this.scenarios.forEach((line) -> out.append(line).append('\n'));
			out.append('\n').append(settings).append("\n\n");
			out.append("| scenario | pattern | observed from the failover on | errors seen by the application | "
					+ "operations failing | working again after |\n| --- | --- | --- | --- | --- | --- |\n");
			this.rows.forEach((row) -> out.append(row).append('\n'));
			if (!this.notes.isEmpty()) {
				out.append('\n');
				this.notes.forEach((note) -> out.append("- ").append(note).append('\n'));
			}
			return out.toString();
		}

	}

}
