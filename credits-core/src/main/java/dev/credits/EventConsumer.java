package dev.credits;

import java.time.Instant;

/**
 * A named event consumer: its durable cursor and who holds its lease. Immutable.
 *
 * @param name       the consumer's name
 * @param cursor     the position of the last event it acknowledged (0: none)
 * @param leaseOwner the id of the ledger holding its lease, or null
 * @param leaseUntil when that lease lapses unless renewed, or null
 */
public record EventConsumer(String name, long cursor, String leaseOwner, Instant leaseUntil) {
}
