package dev.credits;

import java.time.Instant;
import java.util.Set;

/**
 * Which entries {@link CreditLedger#history} returns. Every part is optional (null or empty: no filter).
 * Immutable; start with {@link #all()}.
 *
 * <p>The bounds may be any instants and mean the same on every store: entries are stamped in whole
 * milliseconds within [{@link CreditLedger#MIN_INSTANT}, {@link CreditLedger#MAX_INSTANT}], so a {@code from}
 * before that range (such as {@link Instant#MIN}) or a {@code to} after it (such as {@link Instant#MAX}) is the
 * same as null, a {@code from} after it or a {@code to} at or before its start matches nothing, and a bound
 * between two milliseconds compares exactly as written.
 *
 * @param from       entries at or after this instant, or null
 * @param to         entries before this instant (half-open), or null
 * @param types      only these entry types
 * @param creditType only this credit type
 * @param featureKey only this feature
 * @param userId     only this user
 */
public record HistoryFilter(Instant from, Instant to, Set<EntryType> types, String creditType, String featureKey,
                            String userId) {

    public HistoryFilter {
        types = types == null ? Set.of() : Set.copyOf(types);
    }

    /** @return a filter that keeps every entry */
    public static HistoryFilter all() {
        return new HistoryFilter(null, null, Set.of(), null, null, null);
    }

    public HistoryFilter withFrom(Instant value) {
        return new HistoryFilter(value, to, types, creditType, featureKey, userId);
    }

    public HistoryFilter withTo(Instant value) {
        return new HistoryFilter(from, value, types, creditType, featureKey, userId);
    }

    public HistoryFilter withTypes(EntryType... value) {
        return new HistoryFilter(from, to, Set.of(value), creditType, featureKey, userId);
    }

    public HistoryFilter withCreditType(String value) {
        return new HistoryFilter(from, to, types, value, featureKey, userId);
    }

    public HistoryFilter withFeatureKey(String value) {
        return new HistoryFilter(from, to, types, creditType, value, userId);
    }

    public HistoryFilter withUserId(String value) {
        return new HistoryFilter(from, to, types, creditType, featureKey, value);
    }
}
