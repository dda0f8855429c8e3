package dev.credits.spi;

import dev.credits.AuditFilter;

/**
 * An audit trail read: records of one account (or of the catalog) with {@code position < beforePosition} that match
 * the filter, highest position first.
 *
 * @param accountId      the account, or null for the catalog's records (those without an account)
 * @param filter         what to keep
 * @param beforePosition the keyset cursor ({@code Long.MAX_VALUE} for the first page)
 * @param limit          at most this many
 */
public record AuditQuery(String accountId, AuditFilter filter, long beforePosition, int limit) {
}
