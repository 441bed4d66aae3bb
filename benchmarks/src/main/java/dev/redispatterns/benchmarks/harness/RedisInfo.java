package dev.redispatterns.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.redispatterns.test.RespClient;

/** Reads {@code INFO} sections with the harness's own tiny client, never through a client under test. */
public final class RedisInfo {

	private RedisInfo() {
	}

	public static Map<String, String> section(String host, int port, String section) {
		String text = String.valueOf(RespClient.call(host, port, "INFO", section));
		Map<String, String> values = new LinkedHashMap<>();
		for (String line : text.split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				values.put(line.substring(0, colon), line.substring(colon + 1).trim());
			}
		}
		return values;
	}

	/**
	 * Commands the server has processed, including the ones scripts ran. The {@code INFO} call that reads it
	 * is counted by the next read, so a delta between two reads includes exactly one extra command.
	 */
	public static long commandsProcessed(String host, int port) {
		return Long.parseLong(section(host, port, "stats").get("total_commands_processed"));
	}


	/** CPU time the server has used (user + system, all its threads), in nanoseconds. */
	public static long cpuNanos(String host, int port) {
		Map<String, String> cpu = section(host, port, "cpu");
		double seconds = Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"));
		return Math.round(seconds * 1e9);
	}

}
