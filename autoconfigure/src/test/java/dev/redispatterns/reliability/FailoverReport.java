package dev.redispatterns.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The failover report, {@code target/reliability/failover.md}: one section per failover suite (Sentinel,
 * Cluster, locks), always in that order whichever suite ran first, rewritten after each suite so that one
 * run of the three produces the whole file.
 */
final class FailoverReport {

	static final Path FILE = Path.of("target", "reliability", "failover.md");

	private static final Map<Integer, String> SECTIONS = new TreeMap<>();

	private FailoverReport() {
	}

	/** Sets section {@code order} and rewrites the file with every section this JVM produced. */
	static synchronized void write(int order, String markdown) {
		SECTIONS.put(order, markdown);
		try {
			Files.createDirectories(FILE.getParent());
			Files.writeString(FILE, String.join("\n", SECTIONS.values()), StandardCharsets.UTF_8);
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
