package dev.credits.memory;

import dev.credits.spi.UsageKey;
import dev.credits.spi.UsageRecord;
import dev.credits.spi.UsageSelection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The in-memory store's usage rows: per account, by bucket start, by group key. Thread-safe (one lock: rows are
 * added under an account's lock and summed across accounts).
 */
final class UsageTable {
    /** Rows by key: equal keys have the same {@link UsageKey#groupKey()}, and only they, without hashing each. */
    private final Map<String, NavigableMap<Instant, Map<UsageKey, UsageRecord>>> rows = new HashMap<>();

    synchronized void add(List<UsageRecord> increments) {
        for (UsageRecord increment : increments) {
            rows.computeIfAbsent(increment.accountId(), id -> new TreeMap<>())
                    .computeIfAbsent(increment.bucketStart(), b -> new LinkedHashMap<>())
                    .merge(increment.key(), increment, (a, b) -> new UsageRecord(a.accountId(),
                            a.bucketStart(), a.key(), a.totals().plus(b.totals())));
        }
    }

    synchronized void replace(String accountId, List<UsageRecord> replacement) {
        rows.remove(accountId);
        add(replacement);
    }

    synchronized void clear() {
        rows.clear();
    }

    synchronized List<UsageRecord> sum(UsageSelection selection) {
        Map<List<Object>, UsageRecord> sums = new LinkedHashMap<>();
        for (Map.Entry<String, NavigableMap<Instant, Map<UsageKey, UsageRecord>>> account : rows.entrySet()) {
            if (selection.accountIds() != null && !selection.accountIds().contains(account.getKey())) {
                continue;
            }
            NavigableMap<Instant, Map<UsageKey, UsageRecord>> buckets = selection.to() == null
                    ? account.getValue().tailMap(selection.from(), true)
                    : account.getValue().subMap(selection.from(), true, selection.to(), false);
            for (Map<UsageKey, UsageRecord> bucket : buckets.values()) {
                for (UsageRecord row : bucket.values()) {
                    UsageKey key = row.key();
                    if (selection.kinds() != null && !selection.kinds().contains(key.kind())) {
                        continue;
                    }
                    UsageKey kept = selection.byDetail() ? key : new UsageKey(key.creditType(), key.kind(),
                            key.source(), null, null, null, key.currency());
                    UsageRecord summed = new UsageRecord(selection.byAccount() ? row.accountId() : null,
                            selection.byBucket() ? row.bucketStart() : null, kept, row.totals());
                    List<Object> group = new ArrayList<>(List.of(kept.groupKey()));
                    group.add(summed.accountId() == null ? "" : summed.accountId());
                    group.add(summed.bucketStart() == null ? Instant.MIN : summed.bucketStart());
                    sums.merge(group, summed, (a, b) -> new UsageRecord(a.accountId(), a.bucketStart(), a.key(),
                            a.totals().plus(b.totals())));
                }
            }
        }
        return new ArrayList<>(sums.values());
    }

}
