package dev.credits.internal;

import dev.credits.Changes;
import dev.credits.CreditLedger;
import dev.credits.Explanation;
import dev.credits.FeaturePricing;
import dev.credits.HistoryFilter;
import dev.credits.Hold;
import dev.credits.HoldStatus;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.PageRequest;
import dev.credits.RejectionReason;
import dev.credits.internal.Spending.Price;
import dev.credits.spi.CreditStore;
import dev.credits.spi.EntryQuery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The rules of the inspection reads: changes after a sequence number, holds in flight, and explaining a spend. They
 * settle time in memory and write nothing. Stateless apart from its collaborators; thread-safe.
 */
public final class Inspections {
    private static final Comparator<Hold> OLDEST_FIRST = Comparator.comparing(Hold::createdAt)
            .thenComparing(Hold::holdId);

    private final UnitOfWork uow;
    private final CreditStore store;

    public Inspections(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.store = store;
    }

    public Changes changesSince(String accountId, long sequence, int limit) {
        Checks.id("accountId", accountId);
        Checks.notNegative("sequence", sequence);
        if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
            throw new InvalidArgumentException("limit", "must be 1 to " + PageRequest.MAX_LIMIT + ": " + limit);
        }
        // The account's sequence and the holds changed up to it first: every entry up to that sequence is committed,
        // so the entries read next (outside the read's snapshot) are exactly those of the numbers up to it.
        Snapshot snapshot = uow.read(accountId, null, session -> {
            long current = session.account().sequence();
            long upTo = Math.max(sequence, Math.min(current, sequence + limit));
            Instant now = session.now();
            // A hold past its deadline that no sweep released yet reads as expired, as getHold shows it; its release
            // takes a later sequence number, so it comes again then.
            List<Hold> holds = upTo == sequence ? List.of() : session.tx().findHoldsChanged(sequence, upTo).stream()
                    .map(hold -> hold.isDueAt(now) ? hold.resolved(HoldStatus.EXPIRED, hold.expiresAt(), 0, null)
                            : hold)
                    .toList();
            return new Snapshot(current, upTo, holds);
        });
        long last = snapshot.last;
        List<LedgerEntry> entries = new ArrayList<>();
        if (last > sequence) {
            // Sequence numbers are unique per account: (sequence, last] holds at most limit entries.
            entries.addAll(store.findEntries(accountId, new EntryQuery(HistoryFilter.all(), last + 1, limit)));
            entries.removeIf(entry -> entry.sequence() <= sequence);
            entries.sort(Comparator.comparingLong(LedgerEntry::sequence));
        }
        return new Changes(accountId, sequence, entries, snapshot.holds, last, snapshot.sequence);
    }

    private record Snapshot(long sequence, long last, List<Hold> holds) {
    }

    public List<Hold> openHolds(String accountId) {
        Checks.id("accountId", accountId);
        return uow.read(accountId, null, Inspections::inFlight);
    }

    /** @return the account's open holds before their deadline, oldest first */
    private static List<Hold> inFlight(AccountSession session) {
        Instant now = session.now();
        return session.tx().findOpenHolds().stream().filter(hold -> !hold.isDueAt(now)).sorted(OLDEST_FIRST)
                .toList();
    }

    public Explanation explain(String accountId, String featureKey, long quantity) {
        Checks.id("accountId", accountId);
        Checks.featureKey(featureKey);
        Checks.positive("quantity", quantity);
        // A member's rejection counts what its pools can lend; the lots listed are its own.
        return uow.readSpendable(accountId, featureKey, session -> {
            Optional<FeaturePricing> feature = session.feature();
            Price price = Price.of(session, feature);
            long required = Checks.cost(price.unitPrice(), quantity);
            String type = feature.map(FeaturePricing::creditType).orElse(CreditLedger.DEFAULT_CREDIT_TYPE);
            List<Explanation.LotShare> lots = new ArrayList<>();
            long left = required;
            for (Lot lot : session.liveLots(type)) {
                long available = Math.max(0, lot.available());
                long pays;
                if (lot.source() == LotSource.OVERDRAFT) {
                    pays = left;
                    available = 0;
                } else {
                    pays = Math.min(left, available);
                }
                left -= pays;
                lots.add(new Explanation.LotShare(lot, available, pays));
            }
            List<Hold> holds = inFlight(session).stream().filter(hold -> hold.creditType().equals(type)).toList();
            RejectionReason rejection = Spending.rejection(session, feature, required);
            RejectionReason holdRejection = rejection;
            long maxOpenHolds = session.account().maxOpenHolds();
            if (holdRejection == null && maxOpenHolds > 0 && inFlight(session).stream()
                    .filter(hold -> !hold.isFreeze()).count() >= maxOpenHolds) {
                holdRejection = RejectionReason.TOO_MANY_OPEN_HOLDS;
            }
            return new Explanation(accountId, featureKey, quantity, type, price.unitPrice(), price.planId(), required,
                    session.available(type), session.account().overdraftLimit(), lots, holds,
                    session.account().planId(), rejection, holdRejection, session.account().sequence());
        });
    }
}
