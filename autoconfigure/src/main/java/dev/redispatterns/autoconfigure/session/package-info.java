/**
 * Auto-configuration of Spring Session on Redis for servlet web applications, in place of Spring Boot's
 * own session modules, which are not published for this Boot version.
 */
@NullMarked
package dev.redispatterns.autoconfigure.session;

import org.jspecify.annotations.NullMarked;
