/**
 * Messaging on Redis in its three shapes, each with the guarantee it can really give: pub/sub
 * (fire-and-forget, lost while nobody listens), streams with consumer groups (at-least-once: acknowledged
 * after the handler returns, reclaimed from dead consumers, dead-lettered after repeated failures) and
 * reliable list queues (at-least-once jobs, recovered from dead consumers, delayed jobs). The engines are
 * plain classes that run without Spring; the annotations only wire bean methods to them.
 */
@NullMarked
package dev.redispatterns.messaging;

import org.jspecify.annotations.NullMarked;
