package dev.credits;

import java.time.Instant;
import java.util.Set;

/**
 * Which audit records to read: every condition set must hold. Immutable; start with {@link #all()}.
 *
 * @param actorId records made by this actor id, or null for any
 * @param actions records of these actions, or empty for any
 * @param subject records about this subject (a feature key, a plan id, ...), or null for any
 * @param from    records at or after this instant, or null
 * @param to      records before this instant, or null
 */
public record AuditFilter(String actorId, Set<AuditAction> actions, String subject, Instant from, Instant to) {

    private static final AuditFilter ALL = new AuditFilter(null, Set.of(), null, null, null);

    public AuditFilter {
        actions = actions == null ? Set.of() : Set.copyOf(actions);
    }

    /** @return a filter that keeps every record */
    public static AuditFilter all() {
        return ALL;
    }

    /** @return this filter keeping only records made by {@code value} */
    public AuditFilter withActor(String value) {
        return new AuditFilter(value, actions, subject, from, to);
    }

    /** @return this filter keeping only records of these actions */
    public AuditFilter withActions(AuditAction... values) {
        return new AuditFilter(actorId, Set.of(values), subject, from, to);
    }

    /** @return this filter keeping only records about {@code value} */
    public AuditFilter withSubject(String value) {
        return new AuditFilter(actorId, actions, value, from, to);
    }

    /** @return this filter keeping only records in [from, to) (either may be null) */
    public AuditFilter withPeriod(Instant fromInclusive, Instant toExclusive) {
        return new AuditFilter(actorId, actions, subject, fromInclusive, toExclusive);
    }

    /** @return whether the record matches */
    public boolean matches(AuditRecord record) {
        return (actorId == null || (record.actor() != null && actorId.equals(record.actor().id())))
                && (actions.isEmpty() || actions.contains(record.action()))
                && (subject == null || subject.equals(record.subject()))
                && (from == null || !record.createdAt().isBefore(from))
                && (to == null || record.createdAt().isBefore(to));
    }
}
