/**
 * Spring Session on Redis, done safely: sessions stored under a keyed hash of their id, values as JSON
 * behind the codec's allow-list instead of JDK serialization, a per-user index that expires with its
 * sessions, "sign out everywhere" and an atomic maximum of concurrent sessions per user. It wraps Spring
 * Session's own indexed Redis repository rather than replacing it, so the storage layout, save modes and
 * events stay the ones Spring Session users know.
 */
@NullMarked
package dev.redispatterns.session;

import org.jspecify.annotations.NullMarked;
