package dev.credits;

import java.util.List;

/**
 * What changed on an account after a sequence number, for a client that keeps an optimistic balance (deducted on
 * the client before the server answered) and reconciles it: see {@link Inspection#changesSince}. Immutable.
 *
 * @param accountId       the account
 * @param afterSequence   the sequence number asked for: every entry here has a higher one
 * @param entries         the entries after it, oldest first (ascending sequence), at most the batch's limit
 * @param openHolds       the account's holds in flight when read (open, before their deadline), oldest first: a
 *                        hold placed or released takes a sequence number but writes no entry, so the holds in
 *                        flight are given whole rather than as changes; a committed hold shows as its DEDUCTION
 *                        entry
 * @param lastSequence    the sequence number this batch reaches: ask again with it for the next batch
 * @param accountSequence the account's sequence number when read
 */
public record Changes(String accountId, long afterSequence, List<LedgerEntry> entries, List<Hold> openHolds,
                      long lastSequence, long accountSequence) {

    public Changes {
        entries = List.copyOf(entries);
        openHolds = List.copyOf(openHolds);
    }

    /** @return whether changes after {@link #lastSequence()} remain (ask again with it) */
    public boolean hasMore() {
        return lastSequence < accountSequence;
    }
}
