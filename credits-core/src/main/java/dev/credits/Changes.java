package dev.credits;

import java.util.List;

/**
 * What changed on an account after a sequence number, for a client that keeps an optimistic balance (deducted on
 * the client before the server answered) and reconciles it: see {@link Inspection#changesSince}. Immutable.
 *
 * @param accountId       the account
 * @param afterSequence   the sequence number asked for: every entry here has a higher one
 * @param entries         the entries after it, oldest first (ascending sequence), at most the batch's limit
 * @param holds           the holds whose last change (placed, committed, released, expired: {@link
 *                        Hold#changedAtSequence()}) is after {@code afterSequence} and at most {@code lastSequence},
 *                        by that sequence number (then oldest first): a hold placed or released takes a sequence
 *                        number but writes no entry. A hold shows once, in the batch of its last change, as that
 *                        change left it; a committed hold also shows as its DEDUCTION entry; an open hold past its deadline
 *                        reads as EXPIRED (its release by the sweep comes again, at its own sequence number)
 * @param lastSequence    the sequence number this batch reaches: ask again with it for the next batch
 * @param accountSequence the account's sequence number when read
 */
public record Changes(String accountId, long afterSequence, List<LedgerEntry> entries, List<Hold> holds,
                      long lastSequence, long accountSequence) {

    public Changes {
        entries = List.copyOf(entries);
        holds = List.copyOf(holds);
    }

    /** @return whether changes after {@link #lastSequence()} remain (ask again with it) */
    public boolean hasMore() {
        return lastSequence < accountSequence;
    }
}
