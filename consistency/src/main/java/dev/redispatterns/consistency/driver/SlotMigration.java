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
			RedisServerProcess source = owner(masters, Long.parseLong(slot));
			RedisServerProcess target = masters.get((masters.indexOf(source) + 1) % masters.size());
			String sourceId = source.command("CLUSTER", "MYID").toString();
			String targetId = target.command("CLUSTER", "MYID").toString();
			boolean started = false;
			try {
				target.command("CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId);
				source.command("CLUSTER", "SETSLOT", slot, "MIGRATING", targetId);
				started = true;
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
			}
			finally {
				// Always end in a stable state: the slot belongs to the target once keys may have moved there,
				// and stays with the source when nothing was started.
				for (RedisServerProcess master : masters) {
					try {
						if (started) {
							master.command("CLUSTER", "SETSLOT", slot, "NODE", targetId);
						}
						else {
							master.command("CLUSTER", "SETSLOT", slot, "STABLE");
						}
					}
					catch (RuntimeException ex) {
						Driver.log("slot " + slot + " on " + master.port() + ": " + ex.getMessage());
					}
				}
			}
		}
	}

	/** The master that itself reports owning {@code slot}. */
	private static RedisServerProcess owner(List<RedisServerProcess> masters, long slot) {
		for (RedisServerProcess master : masters) {
			for (Object range : (List<?>) master.command("CLUSTER", "SLOTS")) {
				List<?> entry = (List<?>) range;
				if ((Long) entry.get(0) <= slot && slot <= (Long) entry.get(1)
						&& (Long) ((List<?>) entry.get(2)).get(1) == master.port()) {
					return master;
				}
			}
		}
		throw new IllegalStateException("no master reports owning slot " + slot);
	}

}
