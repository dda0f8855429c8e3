package dev.credits;

import java.util.List;
import java.util.Optional;

/**
 * One page of disputes of charges, oldest first. Immutable.
 *
 * @param disputes   the disputes of this page
 * @param nextCursor the cursor of the next page, or null when this is the last
 */
public record ChargeDisputePage(List<ChargeDispute> disputes, String nextCursor) {

    public ChargeDisputePage {
        disputes = List.copyOf(disputes);
    }

    /** @return the request for the next page, or empty when this is the last page */
    public Optional<PageRequest> next(int limit) {
        return nextCursor == null ? Optional.empty() : Optional.of(new PageRequest(nextCursor, limit));
    }

    /** @return whether a next page exists */
    public boolean hasMore() {
        return nextCursor != null;
    }
}
