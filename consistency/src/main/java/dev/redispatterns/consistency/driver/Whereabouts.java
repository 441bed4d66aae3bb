package dev.redispatterns.consistency.driver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RespClient;

/**
 * Where accepted messages that were neither handled nor dead-lettered are at the end of a run: every data node's
 * messaging keys ({@code rp:msg:*}: ready, delayed and processing lists of queues, streams, dead letters) are read
 * and searched for them, replicas with {@code READONLY}. A key its node does not serve (left behind by a slot
 * migration or a failover) cannot be read there; it is listed as such. A {@code lost} finding then says where
 * the message sat, or that Redis holds it nowhere.
 */
final class Whereabouts {

	/** A message as the test application writes it into a payload (a JSON string). */
	private static final Pattern MESSAGE = Pattern.compile("\"([sq]\\d+(?::flaky|:poison)?)\"");

	private Whereabouts() {
	}

	/** One line per missing message, then one per key a node holds but would not serve. */
	static List<String> of(List<RedisServerProcess> nodes, Collection<String> missing) {
		List<String> lines = new ArrayList<>();
		if (missing.isEmpty()) {
			return lines;
		}
		Map<String, Set<String>> found = new TreeMap<>();
		List<String> unserved = new ArrayList<>();
		for (RedisServerProcess node : nodes) {
			if (!node.isRunning()) {
				continue;
			}
			String where = node.host() + ":" + node.port();
			try (RespClient client = new RespClient(node.host(), node.port(), 5000)) {
				where += " (" + ((List<?>) client.command("ROLE")).get(0) + ")";
				try {
					client.command("READONLY");
				}
				catch (RespClient.RedisErrorReply ex) {
					// not a cluster node: every key is served
				}
				for (Object key : (List<?>) client.command("KEYS", "rp:msg:*")) {
					String name = String.valueOf(key);
					List<String> values;
					try {
						values = values(client, name);
					}
					catch (RespClient.RedisErrorReply ex) {
						unserved.add("key " + name + " on " + where + " is not served there: " + ex.getMessage());
						continue;
					}
					for (String value : values) {
						Matcher matcher = MESSAGE.matcher(value);
						while (matcher.find()) {
							if (missing.contains(matcher.group(1))) {
								found.computeIfAbsent(matcher.group(1), (m) -> new LinkedHashSet<>()).add(name + " on " + where);
							}
						}
					}
				}
			}
			catch (RuntimeException ex) {
				lines.add("could not search " + where + ": " + ex.getMessage());
			}
		}
		for (String message : missing) {
			Set<String> places = found.get(message);
			lines.add(message + ": " + ((places == null) ? "in no messaging key readable on any node" : String.join(", ", places)));
		}
		lines.addAll(unserved);
		return lines;
	}

	private static List<String> values(RespClient client, String key) {
		String type = String.valueOf(client.command("TYPE", key));
		List<String> values = new ArrayList<>();
		switch (type) {
			case "list" -> ((List<?>) client.command("LRANGE", key, "0", "-1")).forEach((v) -> values.add(String.valueOf(v)));
			case "zset" -> ((List<?>) client.command("ZRANGE", key, "0", "-1")).forEach((v) -> values.add(String.valueOf(v)));
			case "stream" -> {
				for (Object entry : (List<?>) client.command("XRANGE", key, "-", "+")) {
					((List<?>) ((List<?>) entry).get(1)).forEach((v) -> values.add(String.valueOf(v)));
				}
			}
			default -> {
				// idempotency markers and the like hold no message
			}
		}
		return values;
	}

}
