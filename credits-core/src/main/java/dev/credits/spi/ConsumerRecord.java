package dev.credits.spi;

import java.time.Instant;

/**
 * A named event consumer as a store keeps it: its durable cursor and its lease. Immutable.
 *
 * @param name        the consumer's name
 * @param cursor      the position of the last event it acknowledged (0: none)
 * @param leaseOwner  who holds the lease, or null
 * @param leaseUntil  when the lease lapses unless renewed, or null
 * @param createdAt   when the consumer was created
 */
public record ConsumerRecord(String name, long cursor, String leaseOwner, Instant leaseUntil, Instant createdAt) {
}
