package dev.redispatterns.lock;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;

/**
 * Keys, channels and scripts of one named lock: built per acquisition, except that the manager keeps an
 * exclusive lock's for names in use. All keys share one hash slot.
 */
final class LockTarget {

	private static final byte[] NONE = new byte[0];

	private static final byte[] READ = bytes("read");

	private static final byte[] WRITE = bytes("write");

	final LockType type;

	final String name;

	final String channel;

	final byte[] channelBytes;

	/**
	 * The channel on which Redis tells this instance alone of a hand-over to one of its waiters; only exclusive
	 * locks are handed over on release (the other types wake every waiter to try again).
	 */
	final @Nullable String grantChannel;

	final byte[][] acquireKeys;

	final byte[][] releaseKeys;

	final byte[][] renewKeys;

	final LuaScript acquire;

	final LuaScript release;

	final LuaScript renew;

	/** Script argument that differs per type: the read/write side or the number of permits. */
	final byte[] variant;

	private LockTarget(LockType type, String name, String base, @Nullable String instance, byte[][] acquireKeys,
			byte[][] releaseKeys, byte[][] renewKeys, LuaScript acquire, LuaScript release, LuaScript renew,
			byte[] variant) {
		this.type = type;
		this.name = name;
		this.channel = base + ":released";
		this.channelBytes = bytes(this.channel);
		this.grantChannel = (instance != null) ? this.channel + ":" + instance : null;
		this.acquireKeys = acquireKeys;
		this.releaseKeys = releaseKeys;
		this.renewKeys = renewKeys;
		this.acquire = acquire;
		this.release = release;
		this.renew = renew;
		this.variant = variant;
	}

	/**
	 * @param instance the instance id in this manager's owner tokens ({@link LockTokens}), which names the
	 * channel its waiters are handed the lock on
	 */
	static LockTarget exclusive(RedisKeys keys, String name, String instance) {
		String base = keys.slotGroup("lock", name).key();
		byte[] lock = bytes(base);
		byte[][] all = { lock, suffixed(lock, ":fence"), suffixed(lock, ":queue"), suffixed(lock, ":waiters") };
		return new LockTarget(LockType.EXCLUSIVE, name, base, instance, all, all, new byte[][] { lock },
				LockScripts.ACQUIRE, LockScripts.RELEASE, LockScripts.RENEW, NONE);
	}

	static LockTarget readWrite(RedisKeys keys, String name, boolean write) {
		String base = keys.slotGroup("rwlock", name).key();
		byte[] root = bytes(base);
		byte[] writer = suffixed(root, ":writer");
		byte[] readers = suffixed(root, ":readers");
		byte[] fences = suffixed(root, ":fences");
		byte[] marker = suffixed(root, ":waiting");
		byte[] intent = suffixed(root, ":intent");
		byte[][] all = { writer, suffixed(root, ":fence"), readers, fences, marker, intent };
		if (write) {
			return new LockTarget(LockType.WRITE, name, base, null, all, new byte[][] { writer, marker, intent },
					new byte[][] { writer }, LockScripts.RW_ACQUIRE, LockScripts.RW_RELEASE_WRITE, LockScripts.RENEW,
					WRITE);
		}
		return new LockTarget(LockType.READ, name, base, null, all, new byte[][] { readers, fences, marker },
				new byte[][] { readers, fences }, LockScripts.RW_ACQUIRE, LockScripts.PERMIT_RELEASE,
				LockScripts.PERMIT_RENEW, READ);
	}

	static LockTarget semaphore(RedisKeys keys, String name, int permits) {
		String base = keys.slotGroup("sem", name).key();
		byte[] root = bytes(base);
		byte[] holders = suffixed(root, ":holders");
		byte[] fences = suffixed(root, ":fences");
		byte[] marker = suffixed(root, ":waiting");
		return new LockTarget(LockType.PERMIT, name, base, null,
				new byte[][] { holders, fences, marker, suffixed(root, ":fence") },
				new byte[][] { holders, fences, marker }, new byte[][] { holders, fences },
				LockScripts.SEMAPHORE_ACQUIRE, LockScripts.PERMIT_RELEASE, LockScripts.PERMIT_RENEW,
				bytes(Integer.toString(permits)));
	}

	private static byte[] suffixed(byte[] base, String suffix) {
		byte[] tail = bytes(suffix);
		byte[] key = new byte[base.length + tail.length];
		System.arraycopy(base, 0, key, 0, base.length);
		System.arraycopy(tail, 0, key, base.length, tail.length);
		return key;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
