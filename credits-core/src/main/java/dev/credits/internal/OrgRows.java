package dev.credits.internal;

import dev.credits.SpendingCap;
import dev.credits.spi.CapUsage;
import dev.credits.spi.OrgChanges;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The organization rows of one account inside a unit of work: its caps as read (once) and as changed, and the cap
 * usage rows it changes. Part of an {@link AccountSession}; used by one thread.
 */
final class OrgRows {
    private List<SpendingCap> loaded;
    // Made on the first change: most units of work change no organization row.
    private Map<String, SpendingCap> caps = Map.of();
    private Set<String> removed = Set.of();
    private Map<String, CapUsage> usage = Map.of();

    /** @return the account's caps, as this unit of work leaves them */
    List<SpendingCap> caps(AccountSession session) {
        if (loaded == null) {
            loaded = session.tx().findCaps();
        }
        Map<String, SpendingCap> current = new LinkedHashMap<>();
        for (SpendingCap cap : loaded) {
            current.put(cap.capId(), cap);
        }
        removed.forEach(current::remove);
        current.putAll(caps);
        return new ArrayList<>(current.values());
    }

    void putCap(SpendingCap cap) {
        writable();
        removed.remove(cap.capId());
        caps.put(cap.capId(), cap);
    }

    void removeCap(String capId) {
        writable();
        caps.remove(capId);
        removed.add(capId);
        usage.values().removeIf(row -> row.capId().equals(capId));
    }

    private void writable() {
        if (!(caps instanceof LinkedHashMap)) {
            caps = new LinkedHashMap<>();
            removed = new LinkedHashSet<>();
            usage = new LinkedHashMap<>();
        }
    }

    /** @return the credits the cap's period has used for the key, as this unit of work leaves them */
    long used(AccountSession session, String capId, String key, Instant periodStart) {
        CapUsage row = usage.get(key(capId, key, periodStart));
        return row != null ? row.used() : session.tx().findCapUsage(capId, key, periodStart);
    }

    void putUsage(CapUsage row) {
        writable();
        usage.put(key(row.capId(), row.key(), row.periodStart()), row);
    }

    boolean isEmpty() {
        return caps.isEmpty() && removed.isEmpty() && usage.isEmpty();
    }

    OrgChanges changes() {
        return isEmpty() ? OrgChanges.NONE
                : new OrgChanges(List.copyOf(caps.values()), List.copyOf(removed), List.copyOf(usage.values()));
    }

    private static String key(String capId, String key, Instant periodStart) {
        return capId + '\n' + key + '\n' + periodStart;
    }
}
