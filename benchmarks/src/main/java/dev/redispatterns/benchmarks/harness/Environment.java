package dev.redispatterns.benchmarks.harness;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Describes the machine, the JDK and the library versions a run measured, for the report. */
public final class Environment {

	private Environment() {
	}

	public static String machine() {
		int cores = Runtime.getRuntime().availableProcessors();
		String cpu = cpuModel();
		long memory = 0;
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			memory = os.getTotalMemorySize();
		}
		return cores + " cores" + ((cpu != null) ? " (" + cpu + ")" : "") + ", "
				+ String.format("%.1f GiB RAM", memory / (1024.0 * 1024 * 1024)) + ", " + System.getProperty("os.name")
				+ " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
	}

	public static String jdk() {
		return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
				+ System.getProperty("java.vendor") + ")";
	}

	/** {@code /proc/loadavg}'s three averages, or "n/a". */
	public static String loadAverage() {
		try {
			String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return parts[0] + " / " + parts[1] + " / " + parts[2];
		}
		catch (IOException | RuntimeException ex) {
			return "n/a";
		}
	}

	private static String cpuModel() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux
		}
		return null;
	}

	/** Versions of the libraries compared, as found on the class path. */
	public static Map<String, String> libraries() {
		Map<String, String> versions = new LinkedHashMap<>();
		versions.put("Spring Boot", org.springframework.boot.SpringBootVersion.getVersion());
		List<String[]> libraries = List.of(
				new String[] { "Lettuce", "io.lettuce.core.RedisClient", "io.lettuce", "lettuce-core" },
				new String[] { "Spring Data Redis", "org.springframework.data.redis.cache.RedisCacheManager",
						"org.springframework.data", "spring-data-redis" },
				new String[] { "Redisson", "org.redisson.Redisson", "org.redisson", "redisson" },
				new String[] { "redisson-spring-cache", "org.redisson.spring.cache.RedissonSpringCacheManager",
						"org.redisson", "redisson-spring-cache" },
				new String[] { "Bucket4j", "io.github.bucket4j.redis.lettuce.Bucket4jLettuce", "com.bucket4j",
						"bucket4j_jdk17-lettuce" },
				new String[] { "Spring Integration", "org.springframework.integration.redis.util.RedisLockRegistry",
						"org.springframework.integration", "spring-integration-redis" },
				new String[] { "Jackson", "tools.jackson.databind.json.JsonMapper", "tools.jackson.core",
						"jackson-databind" },
				new String[] { "Caffeine", "com.github.benmanes.caffeine.cache.Caffeine", "com.github.ben-manes.caffeine",
						"caffeine" },
				new String[] { "JMH", "org.openjdk.jmh.runner.Runner", "org.openjdk.jmh", "jmh-core" },
				new String[] { "HdrHistogram", "org.HdrHistogram.Histogram", "org.hdrhistogram", "HdrHistogram" });
		for (String[] library : libraries) {
			versions.put(library[0], version(library[1], library[2], library[3]));
		}
		return versions;
	}

	static String version(String className, String group, String artifact) {
		try {
			Class<?> type = Class.forName(className, false, Environment.class.getClassLoader());
			String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
			try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
				if (in != null) {
					Properties properties = new Properties();
					properties.load(in);
					String version = properties.getProperty("version");
					if (version != null) {
						return version;
					}
				}
			}
			String version = type.getPackage().getImplementationVersion();
			return (version != null) ? version : "unknown";
		}
		catch (ClassNotFoundException | IOException ex) {
			return "absent";
		}
	}

}
