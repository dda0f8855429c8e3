package dev.credits;

import java.util.List;

/**
 * A ledger entry with the lots it touched: answers "which grant paid for this?".
 *
 * @param entry       the entry
 * @param allocations one line per lot touched, in order; their amounts add up to the entry's amount
 */
public record Receipt(LedgerEntry entry, List<Allocation> allocations) {
    public Receipt {
        allocations = List.copyOf(allocations);
    }
}
