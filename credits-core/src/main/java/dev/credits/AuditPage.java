package dev.credits;

import java.util.List;
import java.util.Optional;

/**
 * One page of the audit trail, newest first. Immutable.
 *
 * @param records    the records of this page
 * @param nextCursor the cursor of the next (older) page, or null when this is the last
 */
public record AuditPage(List<AuditRecord> records, String nextCursor) {

    public AuditPage {
        records = List.copyOf(records);
    }

    /** @return the request for the next page, or empty when this is the last page */
    public Optional<PageRequest> next(int limit) {
        return nextCursor == null ? Optional.empty() : Optional.of(new PageRequest(nextCursor, limit));
    }

    /** @return whether an older page exists */
    public boolean hasMore() {
        return nextCursor != null;
    }
}
