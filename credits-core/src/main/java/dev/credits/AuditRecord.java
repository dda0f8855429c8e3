package dev.credits;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.Collections;

/**
 * One line of the audit trail: a change that is not a balance entry, who made it and why, and the fields it changed
 * before and after. Written atomically with the change it records (in the account's unit of work, or with the catalog
 * row). Immutable; thread-safe.
 *
 * @param position  the store's number for it, increasing in the order records were written (0 before it is
 *                  written); the audit trail's keyset cursor
 * @param accountId the account, or null for a catalog change
 * @param sequence  the account's sequence number after the change (0 for a catalog change)
 * @param action    what happened
 * @param subject   what it happened to: the account id, a feature key, a plan, package or promotion id
 * @param actor     who made the change and why, or null when the call said nobody
 * @param before    the changed fields before (empty for a creation), sorted by name
 * @param after     the changed fields after (empty for a deletion), sorted by name
 * @param createdAt when
 */
public record AuditRecord(long position, String accountId, long sequence, AuditAction action, String subject,
                          Actor actor, Map<String, String> before, Map<String, String> after, Instant createdAt) {

    public AuditRecord {
        before = sorted(before);
        after = sorted(after);
    }

    /** @return the same record with the store's position */
    public AuditRecord withPosition(long value) {
        return new AuditRecord(value, accountId, sequence, action, subject, actor, before, after, createdAt);
    }

    private static Map<String, String> sorted(Map<String, String> fields) {
        // TreeMap keeps null values (a field that was unset); the copy keeps the record immutable.
        return fields == null || fields.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(fields));
    }
}
