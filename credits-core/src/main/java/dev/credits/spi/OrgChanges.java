package dev.credits.spi;

import dev.credits.SpendingCap;

import java.util.List;

/**
 * The organization rows a unit of work changes on its account. Immutable.
 *
 * @param caps        caps to insert or replace (by account and cap id)
 * @param removedCaps ids of the account's caps to delete (with their usage rows)
 * @param usage       cap usage rows to insert or replace (by account, cap, key and period start)
 */
public record OrgChanges(List<SpendingCap> caps, List<String> removedCaps, List<CapUsage> usage) {

    /** No changes. */
    public static final OrgChanges NONE = new OrgChanges(List.of(), List.of(), List.of());

    public OrgChanges {
        caps = List.copyOf(caps);
        removedCaps = List.copyOf(removedCaps);
        usage = List.copyOf(usage);
    }

    /** @return whether there is nothing to write */
    public boolean isEmpty() {
        return caps.isEmpty() && removedCaps.isEmpty() && usage.isEmpty();
    }
}
