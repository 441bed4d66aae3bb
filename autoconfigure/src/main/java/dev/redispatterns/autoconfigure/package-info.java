/**
 * Auto-configuration of the starter's core: connection access, key naming, scripts, the codec and the
 * key expression evaluator. Each feature has its own auto-configuration in a sub-package.
 */
@NullMarked
package dev.redispatterns.autoconfigure;

import org.jspecify.annotations.NullMarked;
