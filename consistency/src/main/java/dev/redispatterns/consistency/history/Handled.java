package dev.redispatterns.consistency.history;

/**
 * A message a listener handled successfully (its handler returned).
 *
 * @param kind {@code stream} or {@code queue}
 * @param message the driver's message ({@code m12:flaky})
 * @param delivery the entry or job id the starter delivered it under
 * @param attempt the delivery attempt the starter reported (greater than 1 for a redelivery)
 * @param process the application that handled it
 */
public record Handled(String kind, String message, String delivery, long attempt, String process) {
}
