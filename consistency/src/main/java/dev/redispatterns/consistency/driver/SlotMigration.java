package dev.redispatterns.consistency.driver;

import java.util.ArrayList;
import java.util.List;

import dev.redispatterns.test.RedisClusterProcesses;
import dev.redispatterns.test.RedisServerProcess;

/** Moves the slot of each key to the next master, key by key with {@code MIGRATE}, while the load runs. */
final class SlotMigration {

	private SlotMigration() {
	}

	static void moveSlotsOf(RedisClusterProcesses cluster, String... keys) {
		for (String key : keys) {
			String slot = cluster.command("CLUSTER", "KEYSLOT", key).toString();
			List<RedisServerProcess> masters = cluster.currentMasters();
			RedisServerProcess source = null;
			String sourceId = null;
			for (Object range : (List<?>) masters.get(0).command("CLUSTER", "SLOTS")) {
				List<?> entry = (List<?>) range;
				long value = Long.parseLong(slot);
				if ((Long) entry.get(0) <= value && value <= (Long) entry.get(1)) {
					List<?> owner = (List<?>) entry.get(2);
					sourceId = owner.get(2).toString();
					long port = (Long) owner.get(1);
					source = masters.stream().filter((master) -> master.port() == port).findFirst().orElse(null);
				}
			}
			if (source == null) {
				throw new IllegalStateException("no owner of slot " + slot);
			}
			RedisServerProcess target = masters.get((masters.indexOf(source) + 1) % masters.size());
			String targetId = target.command("CLUSTER", "MYID").toString();
			target.command("CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId);
			source.command("CLUSTER", "SETSLOT", slot, "MIGRATING", targetId);
			while (true) {
				List<?> inSlot = (List<?>) source.command("CLUSTER", "GETKEYSINSLOT", slot, "100");
				if (inSlot.isEmpty()) {
					break;
				}
				List<Object> migrate = new ArrayList<>(List.of("MIGRATE", target.host(), Integer.toString(target.port()),
						"", "0", "5000", "KEYS"));
				migrate.addAll(inSlot);
				source.command(migrate.toArray());
			}
			for (RedisServerProcess master : masters) {
				master.command("CLUSTER", "SETSLOT", slot, "NODE", targetId);
			}
		}
	}

}
