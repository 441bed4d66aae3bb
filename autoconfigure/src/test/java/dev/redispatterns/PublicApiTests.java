package dev.redispatterns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.asm.ClassReader;
import org.springframework.asm.Opcodes;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import dev.redispatterns.core.RedisPatternsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The public API is what applications may compile against: every public top-level type of the starter
 * outside its {@code .internal} packages and its auto-configuration packages. It is listed in
 * {@code src/test/resources/public-api.txt}, so that a new public type is a decision, not an accident.
 */
@Timeout(60)
class PublicApiTests {

	private static final String LIST = "src/test/resources/public-api.txt";

	@Test
	void publicTypesOutsideInternalPackagesAreTheListedOnes() throws IOException {
		TreeSet<String> actual = publicApiTypes();
		TreeSet<String> listed = new TreeSet<>(Files.readAllLines(Path.of(LIST), StandardCharsets.UTF_8));
		listed.removeIf(String::isBlank);
		TreeSet<String> added = new TreeSet<>(actual);
		added.removeAll(listed);
		TreeSet<String> removed = new TreeSet<>(listed);
		removed.removeAll(actual);
		if (!added.isEmpty() || !removed.isEmpty()) {
			fail("The public API changed.%n  new public types: %s%n  no longer public: %s%n"
					+ "A type that applications do not use belongs in the feature's .internal package (public there "
					+ "only if another package needs it) or should be package-private. If the change is intended, "
					+ "update autoconfigure/%s with the sorted list below (one type a line):%n%s",
					added, removed, LIST, String.join("\n", actual));
		}
		assertThat(actual).hasSizeLessThanOrEqualTo(100);
	}

	private static TreeSet<String> publicApiTypes() throws IOException {
		// the main classes directory (or jar) only, not the test classes next to it on the class path
		String root = RedisPatternsException.class.getProtectionDomain().getCodeSource().getLocation().toString();
		String pattern = (root.endsWith(".jar") ? "jar:" + root + "!/" : root) + "dev/redispatterns/**/*.class";
		TreeSet<String> types = new TreeSet<>();
		for (Resource resource : new PathMatchingResourcePatternResolver().getResources(pattern)) {
			ClassReader reader;
			try (InputStream in = resource.getInputStream()) {
				reader = new ClassReader(in);
			}
			String name = reader.getClassName().replace('/', '.');
			if (isApiCandidate(name) && (reader.getAccess() & Opcodes.ACC_PUBLIC) != 0) {
				types.add(name);
			}
		}
		assertThat(types).as("public types found under %s", pattern).isNotEmpty();
		return types;
	}

	private static boolean isApiCandidate(String name) {
		List<String> packages = new ArrayList<>(List.of(name.substring(0, name.lastIndexOf('.')).split("\\.")));
		return !name.contains("$") && !name.endsWith(".package-info") && !packages.contains("internal")
				&& !(packages.size() > 2 && packages.get(2).equals("autoconfigure"));
	}

}
