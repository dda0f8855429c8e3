package dev.credits.internal;

import dev.credits.Allocation;
import dev.credits.EntryType;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.spi.UsageKey;
import dev.credits.spi.UsageKind;
import dev.credits.spi.UsageRecord;
import dev.credits.spi.UsageTotals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Derives the usage rows' increments of a unit of work from the entries it writes (so rows stay right however the
 * entries were made, one call or several combined): one row per account, 15-minute bucket and key. Deductions and
 * refunds of deductions count by feature, user and the declared metadata dimensions (a refund counts where its
 * deduction did); grants by lot source with what the lot cost; expiries and clawbacks with what their credits cost.
 * Immutable; thread-safe.
 */
public final class UsageAggregates {
    /** No declared dimensions. */
    public static final UsageAggregates NONE = new UsageAggregates(Set.of());

    private final Set<String> dimensions;

    /** @param dimensions the metadata keys the host declared as dimensions */
    public UsageAggregates(Set<String> dimensions) {
        this.dimensions = Collections.unmodifiableSet(new TreeSet<>(dimensions));
    }

    /** @return the declared dimensions, sorted */
    public Set<String> dimensions() {
        return dimensions;
    }

    /** @return the values of the declared dimensions among the metadata */
    Map<String, String> dimensionsOf(Map<String, String> metadata) {
        if (dimensions.isEmpty() || metadata.isEmpty()) {
            return Map.of();
        }
        Map<String, String> values = new TreeMap<>();
        for (String dimension : dimensions) {
            String value = metadata.get(dimension);
            if (value != null) {
                values.put(dimension, value);
            }
        }
        return values;
    }

    /** Where {@link #derive} finds what an entry refers to: its lots and the deduction a refund refunds. */
    interface Lookup {
        /** @return the lot of the entry's first receipt line (a grant's new lot, an expiry's lot), or null */
        Lot firstLot(LedgerEntry entry);

        /** @return the lot the grant entry made, or null */
        Lot lotOfGrant(String grantTransactionId);

        /** @return one of the account's entries */
        Optional<LedgerEntry> entry(String transactionId);
    }

    /** @return the increments of the session's new entries, merged per bucket and key */
    List<UsageRecord> derive(AccountSession session) {
        List<LedgerEntry> written = session.newEntries();
        if (written.isEmpty()) {
            return List.of();
        }
        return derive(written, new Lookup() {
            @Override
            public Lot firstLot(LedgerEntry entry) {
                for (Allocation allocation : session.newAllocations()) {
                    if (allocation.ownerId().equals(entry.transactionId()) && allocation.position() == 0) {
                        return session.lot(allocation.lotId());
                    }
                }
                return null;
            }

            @Override
            public Lot lotOfGrant(String grantTransactionId) {
                return session.lotOfGrant(grantTransactionId);
            }

            @Override
            public Optional<LedgerEntry> entry(String transactionId) {
                for (LedgerEntry entry : written) {
                    if (entry.transactionId().equals(transactionId)) {
                        return Optional.of(entry);
                    }
                }
                return session.tx().findEntry(transactionId);
            }
        });
    }

    /** @return the rows of these entries, merged per bucket and key */
    List<UsageRecord> derive(List<LedgerEntry> entries, Lookup lookup) {
        if (entries.size() == 1) {
            UsageRecord row = row(lookup, entries.get(0));
            return row == null ? new ArrayList<>() : new ArrayList<>(List.of(row));
        }
        // Keyed by bucket and key: equal keys have the same groupKey(), and only they, without hashing each.
        Map<List<Object>, UsageRecord> rows = new LinkedHashMap<>();
        for (LedgerEntry entry : entries) {
            UsageRecord row = row(lookup, entry);
            if (row != null) {
                rows.merge(List.of(row.bucketStart(), row.key()), row,
                        (a, b) -> new UsageRecord(a.accountId(), a.bucketStart(), a.key(), a.totals().plus(b.totals())));
            }
        }
        return new ArrayList<>(rows.values());
    }

    private UsageRecord row(Lookup lookup, LedgerEntry entry) {
        String type = entry.creditType();
        long amount = entry.amount();
        UsageKey key;
        UsageTotals totals;
        switch (entry.type()) {
            case DEDUCTION -> {
                key = new UsageKey(type, UsageKind.USAGE, null, entry.featureKey(), entry.userId(),
                        dimensionsOf(entry.metadata()), null);
                boolean freeRetry = entry.retryNumber() > 0 && amount == 0;
                totals = new UsageTotals(amount, -amount, 0, entry.quantity(), 1, freeRetry ? 1 : 0, 1, null);
            }
            case REFUND -> {
                // The refund counts under its deduction's dimensions (a refund carries the feature and user, not the
                // host's metadata).
                Map<String, String> values = dimensions.isEmpty() || entry.referenceId() == null ? Map.of()
                        : lookup.entry(entry.referenceId()).map(o -> dimensionsOf(o.metadata())).orElse(Map.of());
                key = new UsageKey(type, UsageKind.USAGE, null, entry.featureKey(), entry.userId(), values, null);
                totals = new UsageTotals(amount, 0, amount, 0, 0, 0, 1, null);
            }
            case GRANT -> {
                Lot lot = lookup.firstLot(entry);
                Money paid = lot == null ? null : lot.moneyPaid();
                key = new UsageKey(type, UsageKind.GRANT, lot == null ? null : lot.source(), null, null, null,
                        currency(paid));
                totals = new UsageTotals(amount, 0, 0, 0, 0, 0, 1, paid == null ? null : paid.amount());
            }
            case EXPIRY -> {
                Lot lot = lookup.firstLot(entry);
                key = new UsageKey(type, UsageKind.EXPIRY, null, null, null, null,
                        currency(lot == null ? null : lot.moneyPaid()));
                totals = new UsageTotals(amount, 0, 0, 0, 0, 0, 1, costOf(lot, -amount));
            }
            case CLAWBACK -> {
                Lot lot = lookup.lotOfGrant(entry.referenceId());
                key = new UsageKey(type, UsageKind.CLAWBACK, null, null, null, null,
                        currency(lot == null ? null : lot.moneyPaid()));
                totals = new UsageTotals(amount, 0, 0, 0, 0, 0, 1, costOf(lot, -amount));
            }
            case TRANSFER -> {
                if (amount > 0) {
                    // Arrived from another account of the organization: granted by source TRANSFER, no revenue.
                    key = new UsageKey(type, UsageKind.GRANT, LotSource.TRANSFER, null, null, null, null);
                } else {
                    key = new UsageKey(type, UsageKind.TRANSFER_OUT, null, null, null, null, null);
                }
                totals = new UsageTotals(amount, 0, 0, 0, 0, 0, 1, null);
            }
            case ADJUSTMENT -> {
                key = new UsageKey(type, UsageKind.ADJUSTMENT, null, null, null, null, null);
                totals = new UsageTotals(amount, 0, 0, 0, 0, 0, 1, null);
            }
            default -> {
                return null;
            }
        }
        return new UsageRecord(entry.accountId(), UsageRecord.bucketOf(entry.createdAt()), key, totals);
    }

    private static String currency(Money money) {
        return money == null ? null : money.currency().getCurrencyCode();
    }

    /** @return what {@code credits} of the lot cost, pro rata (18 decimals), or null when the lot cost nothing */
    static BigDecimal costOf(Lot lot, long credits) {
        if (lot == null || lot.moneyPaid() == null || lot.amount() <= 0 || credits == 0) {
            return null;
        }
        return lot.moneyPaid().amount().multiply(BigDecimal.valueOf(credits))
                .divide(BigDecimal.valueOf(lot.amount()), Money.MAX_SCALE, RoundingMode.HALF_EVEN);
    }
}
