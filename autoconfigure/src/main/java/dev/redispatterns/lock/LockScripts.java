package dev.redispatterns.lock;

import dev.redispatterns.core.internal.LuaScript;

/**
 * The lock scripts, loaded once. Most of them start with the shared helpers of {@code lock_common.lua}
 * (server time, fencing tokens, holder sets); the exclusive lock's also with its waiter queue. A script
 * with a {@code -- @helpers} line gets them there instead, after its uncontended path: Lua creates a
 * {@code local function} each time its definition runs, so a call that returns before never pays for them.
 */
final class LockScripts {

	private static final String COMMON = LuaScript.load(LockScripts.class, "lock_common.lua").source();

	private static final String QUEUE = LuaScript.load(LockScripts.class, "lock_queue.lua").source();

	static final LuaScript ACQUIRE = withPrelude("lock_acquire.lua", COMMON + QUEUE);

	static final LuaScript RELEASE = withPrelude("lock_release.lua", COMMON + QUEUE);

	static final LuaScript PASS = withPrelude("lock_pass.lua", COMMON + QUEUE);

	static final LuaScript RENEW = LuaScript.load(LockScripts.class, "lock_renew.lua");

	static final LuaScript RW_ACQUIRE = withPrelude("rwlock_acquire.lua", COMMON);

	static final LuaScript RW_RELEASE_WRITE = LuaScript.load(LockScripts.class, "rwlock_release_write.lua");

	static final LuaScript SEMAPHORE_ACQUIRE = withPrelude("semaphore_acquire.lua", COMMON);

	static final LuaScript PERMIT_RELEASE = withPrelude("permit_release.lua", COMMON);

	static final LuaScript PERMIT_RENEW = withPrelude("permit_renew.lua", COMMON);

	private LockScripts() {
	}

	private static final String HELPERS = "-- @helpers\n";

	private static LuaScript withPrelude(String name, String prelude) {
		String source = LuaScript.load(LockScripts.class, name).source();
		int at = source.indexOf(HELPERS);
		if (at < 0) {
			return LuaScript.of(name, prelude + source);
		}
		return LuaScript.of(name, source.substring(0, at) + prelude + source.substring(at + HELPERS.length()));
	}

}
