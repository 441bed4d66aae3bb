package dev.redispatterns.structures;

/**
 * Names of boards and counters become part of keys and of metric tags: they are chosen by the application,
 * not taken from user input, and kept to a safe alphabet so that keys of different structures can never
 * collide.
 */
final class StructureNames {

	private StructureNames() {
	}

	static void check(String kind, String name) {
		if (name == null || name.isEmpty() || name.length() > 100) {
			throw new IllegalArgumentException("A " + kind + " name must have 1 to 100 characters");
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_' || c == '.';
			if (!allowed) {
				throw new IllegalArgumentException(
						"Invalid " + kind + " name '" + name + "': use letters, digits, '-', '_' and '.'");
			}
		}
	}

}
