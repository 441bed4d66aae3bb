package dev.redispatterns.core.internal;

import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandWrapper;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.output.CommandOutput;

/**
 * A command the starter sends on Lettuce for one of its operations, told apart from the application's own
 * commands: {@link StarterCommandObservations} keeps Lettuce's per-command observation off it, because the
 * starter's meters and observations already describe the operation it belongs to.
 */
public final class StarterCommand<K, V, T> extends Command<K, V, T> {

	public StarterCommand(ProtocolKeyword type, CommandOutput<K, V, T> output, CommandArgs<K, V> args) {
		super(type, output, args);
	}

	/** Whether the command, or the command that a Lettuce wrapper (async, traced, cluster) holds, is ours. */
	public static boolean isStarters(RedisCommand<?, ?, ?> command) {
		return CommandWrapper.unwrap(command, StarterCommand.class) != null;
	}

}
