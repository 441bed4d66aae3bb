/**
 * Customers and sign-in: sessions live in Redis (Spring Session, configured by the starter), are indexed
 * by user, and can be ended on every instance at once ("sign out everywhere").
 */
@NullMarked
package dev.redispatterns.sample.account;

import org.jspecify.annotations.NullMarked;
