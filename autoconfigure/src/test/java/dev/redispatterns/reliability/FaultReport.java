package dev.redispatterns.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The fault × pattern table the suite writes at the end of a run. */
final class FaultReport {

	private final List<Fault> faults = new ArrayList<>();

	private final List<String> rows = new ArrayList<>();

	synchronized void add(Fault fault, String pattern, Observations observations, Duration recovery) {
		if (!this.faults.contains(fault)) {
			this.faults.add(fault);
		}
		this.rows.add("| " + fault.name() + " | " + pattern + " | " + observations.behaviour() + " | "
				+ observations.errors() + " | " + Observations.seconds(recovery) + " |");
	}

	synchronized String markdown(String settings) {
		StringBuilder out = new StringBuilder();
		out.append("| fault | how it is injected |\n| --- | --- |\n");
		for (Fault fault : this.faults) {
			out.append("| ").append(fault.name()).append(" | ").append(fault.how()).append(" |\n");
		}
		out.append('\n').append(settings).append("\n\n");
		out.append("| fault | pattern | observed while the fault lasts | errors seen by the application | "
				+ "recovered after the fault ended |\n| --- | --- | --- | --- | --- |\n");
		this.rows.forEach((row) -> out.append(row).append('\n'));
		return out.toString();
	}

	void write(Path file, String settings) {
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, markdown(settings), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
