package dev.credits.internal;

import dev.credits.EntryType;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.internal.AccountSession.Portion;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * How a member spends from its pools, and how credits move between two accounts of one organization.
 *
 * <p><b>Spending order.</b> A member spends its own credits first (its lots in burn-down order, including what was
 * transferred to it), then its parent's, then the parent's parent's, up to the root. What a pool lends is moved to
 * the member as a transfer inside the spend's unit of work (a TRANSFER entry on each side, the pool's lots' expiry and
 * cost basis kept on the member's new lots), so every account's balance stays the sum of its own entries and a
 * refund or a released hold gives the credits back to the member, where they were spent from. A pool lends only its
 * available credits, never its overdraft. Stateless.
 */
final class Pools {

    private Pools() {
    }

    /** @return what a pool can lend of the type now: its available credits, never below 0 */
    static long lendable(AccountSession pool, String creditType) {
        return Math.max(0, pool.available(creditType));
    }

    /** @return the member's available credits of the type plus what every pool above it can lend */
    static long spendable(AccountSession member, String creditType) {
        long total = member.available(creditType);
        for (AccountSession pool : member.pools()) {
            total = Checks.add("spendable", total, lendable(pool, creditType));
        }
        return total;
    }

    /**
     * Before a member takes {@code cost} credits: moves what its own available credits lack from its pools, nearest
     * first, each lending at most its available credits.
     */
    static void draw(AccountSession member, String creditType, long cost) {
        long shortfall = cost - Math.max(0, member.available(creditType));
        for (AccountSession pool : member.pools()) {
            if (shortfall <= 0) {
                return;
            }
            long part = Math.min(shortfall, lendable(pool, creditType));
            if (part > 0) {
                move(pool, member, creditType, part, "drawn by member '" + member.accountId() + "'");
                shortfall -= part;
            }
        }
    }

    /** What {@link #move} did. */
    record Moved(String outTransactionId, String inTransactionId, List<Lot> lots) {
    }

    /**
     * Moves {@code credits} (at most {@code from}'s available credits) from one account's lots, in burn-down order, to
     * new TRANSFER lots of the other: each keeps its source lot's expiry, priority and metadata, and the share of its
     * money paid (the cost basis). One TRANSFER entry on each side, each referencing the other.
     */
    static Moved move(AccountSession from, AccountSession to, String creditType, long credits, String reason) {
        String outId = AccountSession.newId();
        String inId = AccountSession.newId();
        List<Portion> portions = from.take(creditType, credits, false, outId);
        from.addEntry(EntryDraft.of(outId, EntryType.TRANSFER, creditType, -credits).withReference(inId)
                .withReason(reason));
        from.addAllocations(outId, portions, -1);
        List<Lot> lots = new ArrayList<>();
        List<Portion> received = new ArrayList<>();
        for (Portion portion : portions) {
            Lot source = from.lot(portion.lotId());
            Lot lot = Lot.builder(AccountSession.newId(), to.accountId(), creditType, LotSource.TRANSFER)
                    .priority(source.priority()).amounts(portion.amount(), portion.amount(), 0)
                    .expiresAt(source.expiresAt()).moneyPaid(share(source, portion.amount()))
                    .metadata(source.metadata()).granted(to.now(), inId).build();
            to.insertLot(lot);
            lots.add(lot);
            received.add(new Portion(lot.lotId(), portion.amount()));
        }
        to.addBalance(creditType, credits, 0);
        to.addEntry(EntryDraft.of(inId, EntryType.TRANSFER, creditType, credits).withReference(outId)
                .withReason(reason));
        to.addAllocations(inId, received, 1);
        return new Moved(outId, inId, lots);
    }

    /** @return the money paid for {@code credits} of the lot's credits (its cost basis), or null if it had none */
    private static Money share(Lot lot, long credits) {
        Money paid = lot.moneyPaid();
        if (paid == null || lot.amount() <= 0) {
            return null;
        }
        int scale = Math.min(Money.MAX_SCALE, Math.max(paid.amount().scale(), 2) + 4);
        BigDecimal amount = paid.amount().multiply(BigDecimal.valueOf(credits))
                .divide(BigDecimal.valueOf(lot.amount()), scale, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return new Money(amount.scale() < 0 ? amount.setScale(0) : amount, paid.currency());
    }
}
