package dev.credits;

import java.util.List;
import java.util.Optional;

/**
 * A page of ledger entries, newest first.
 *
 * @param entries    the entries
 * @param nextCursor the cursor of the next (older) page, or null when this is the last page
 */
public record HistoryPage(List<LedgerEntry> entries, String nextCursor) {

    public HistoryPage {
        entries = List.copyOf(entries);
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
