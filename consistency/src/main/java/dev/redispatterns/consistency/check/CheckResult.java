package dev.redispatterns.consistency.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.redispatterns.consistency.history.FaultWindow;

/** What one checker found in a history: anomalies, explained look-alikes and counts worth reporting. */
public final class CheckResult {

	private final String pattern;

	private final List<Anomaly> anomalies = new ArrayList<>();

	private final List<Explained> explained = new ArrayList<>();

	private final Map<String, Long> counts = new LinkedHashMap<>();

	public CheckResult(String pattern) {
		this.pattern = pattern;
	}

	public String pattern() {
		return this.pattern;
	}

	public List<Anomaly> anomalies() {
		return this.anomalies;
	}

	public List<Explained> explained() {
		return this.explained;
	}

	public Map<String, Long> counts() {
		return this.counts;
	}

	void anomaly(String kind, String key, long time, String description, List<Long> ops) {
		this.anomalies.add(new Anomaly(this.pattern, kind, key, time, description, List.copyOf(ops)));
	}

	void explained(String kind, FaultWindow fault, long start, long end) {
		this.explained.add(new Explained(this.pattern, kind, (fault != null) ? fault.name() : "none", start, end));
	}

	void count(String name, long delta) {
		this.counts.merge(name, delta, Long::sum);
	}

	/** Anomalies of one kind. */
	public long anomalies(String kind) {
		return this.anomalies.stream().filter((anomaly) -> anomaly.kind().equals(kind)).count();
	}

}
