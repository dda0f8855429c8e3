package dev.credits;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One change of a feature of the price list, as its price history shows it ({@link Audit#priceHistory}). Immutable.
 *
 * @param at             when
 * @param action         created, updated, deactivated, reactivated or deleted
 * @param actor          who, and why, or null when the call said nobody
 * @param creditsPerUnit the price in effect after the change (for a deletion: the last one)
 * @param active         whether the feature could be used after it
 * @param before         the fields it changed, before
 * @param after          the fields it changed, after
 */
public record PriceChange(Instant at, AuditAction action, Actor actor, long creditsPerUnit, boolean active,
                          Map<String, String> before, Map<String, String> after) {

    public PriceChange {
        before = before == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(before));
        after = after == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(after));
    }
}
