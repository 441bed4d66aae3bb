package dev.redispatterns.core;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The types the {@link JsonValueCodec} may name in a payload. A payload naming any other type is
 * refused before the type is even loaded, which closes the door on Jackson deserialization gadgets.
 * <p>
 * Always allowed: JSON's natural Java types ({@code String}, boxed primitives, {@code BigDecimal},
 * {@code BigInteger}), {@code java.time} values, {@code UUID}, {@code Date}, {@code Locale},
 * {@code Currency}, the collection and map implementations of {@code java.util} and arrays of allowed
 * types. Applications add their own packages (a package allows its sub-packages too) and single types.
 * The starter's own classes are not values and are not allowed: a payload cannot make the codec build
 * pieces of the starter's machinery.
 */
public final class TypeAllowList {

	private static final Set<String> BUILT_IN_TYPES = Set.of("java.lang.String", "java.lang.Boolean", "java.lang.Byte",
			"java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
			"java.lang.Character", "java.math.BigDecimal", "java.math.BigInteger", "java.util.UUID", "java.util.Date",
			"java.util.Locale", "java.util.Currency", "java.util.Optional", "java.util.OptionalInt",
			"java.util.OptionalLong", "java.util.OptionalDouble");

	private static final List<String> BUILT_IN_PACKAGES = List.of("java.time");

	private final Set<String> types;

	private final List<String> packages;

	private final Map<String, Boolean> decisions = new ConcurrentHashMap<>();

	private TypeAllowList(Set<String> types, List<String> packages) {
		this.types = types;
		this.packages = packages;
	}

	/**
	 * An allow-list of the built-in types plus {@code packages} and {@code types}.
	 * @param packages package names such as {@code com.acme.shop}; sub-packages are included
	 * @param types fully qualified class names
	 */
	public static TypeAllowList of(Collection<String> packages, Collection<String> types) {
		Set<String> allTypes = new LinkedHashSet<>(BUILT_IN_TYPES);
		types.stream().map(String::trim).filter((type) -> !type.isEmpty()).forEach(allTypes::add);
		Set<String> allPackages = new LinkedHashSet<>(BUILT_IN_PACKAGES);
		packages.stream()
			.map(String::trim)
			.map((name) -> name.endsWith(".") ? name.substring(0, name.length() - 1) : name)
			.filter((name) -> !name.isEmpty())
			.forEach(allPackages::add);
		return new TypeAllowList(Set.copyOf(allTypes), List.copyOf(allPackages));
	}

	/** Whether a payload may name {@code className} (a {@link Class#getName()}, arrays included). */
	public boolean isAllowed(String className) {
		Boolean decision = this.decisions.get(className);
		if (decision == null) {
			decision = decide(className);
			if (this.decisions.size() < 10_000) {
				this.decisions.put(className, decision);
			}
		}
		return decision;
	}

	private boolean decide(String className) {
		if (className.startsWith("[")) {
			return isAllowedArray(className);
		}
		if (this.types.contains(className)) {
			return true;
		}
		for (String name : this.packages) {
			if (className.startsWith(name) && className.length() > name.length()
					&& className.charAt(name.length()) == '.') {
				return true;
			}
		}
		return isJavaUtilCollection(className);
	}

	private boolean isAllowedArray(String className) {
		String component = className.substring(1);
		if (component.length() == 1) {
			return "ZBCSIJFD".contains(component);
		}
		if (component.startsWith("[")) {
			return isAllowedArray(component);
		}
		if (component.startsWith("L") && component.endsWith(";")) {
			return isAllowed(component.substring(1, component.length() - 1));
		}
		return false;
	}

	/**
	 * Collections and maps of {@code java.util} and {@code java.util.concurrent} (no other sub-package),
	 * including the JDK's immutable and wrapper implementations that Jackson writes under their real
	 * class names.
	 */
	private static boolean isJavaUtilCollection(String className) {
		if (!isInPackage(className, "java.util") && !isInPackage(className, "java.util.concurrent")) {
			return false;
		}
		try {
			Class<?> type = Class.forName(className, false, TypeAllowList.class.getClassLoader());
			return Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type);
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	private static boolean isInPackage(String className, String packageName) {
		return className.startsWith(packageName) && className.length() > packageName.length() + 1
				&& className.charAt(packageName.length()) == '.'
				&& className.indexOf('.', packageName.length() + 1) < 0;
	}

	/** The configured packages, built-ins included, for diagnostics. */
	public List<String> packages() {
		return this.packages;
	}

}
