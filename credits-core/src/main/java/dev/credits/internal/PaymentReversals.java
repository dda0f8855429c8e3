package dev.credits.internal;

import dev.credits.DisputeStatus;
import dev.credits.EntryType;
import dev.credits.Hold;
import dev.credits.HoldStatus;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.Purchase;
import dev.credits.PurchaseResult;
import dev.credits.PurchaseStateException;
import dev.credits.PurchaseStatus;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The rules of a purchase's payment reversed: refunds claw credits back, disputes freeze them until resolved (won:
 * unfrozen, lost: clawed back), all kept as totals so repeated or out-of-order reports converge. Stateless apart from
 * its collaborators; thread-safe.
 */
public final class PaymentReversals {
    private final UnitOfWork uow;

    public PaymentReversals(UnitOfWork uow) {
        this.uow = uow;
    }

    public PurchaseResult clawBackPurchase(String purchaseId, long refundedCredits, String reason) {
        Checks.notNegative("refundedCredits", refundedCredits);
        return reverse(purchaseId, reason, p -> p.withReversal(Math.max(p.refundedCredits(), refundedCredits),
                p.disputedCredits(), p.disputeStatus(), p.frozenCredits(), p.clawedBack()));
    }

    public PurchaseResult disputePurchase(String purchaseId, long disputedCredits, String reason) {
        Checks.notNegative("disputedCredits", disputedCredits);
        // Only a purchase without a dispute opens one: a dispute already open, won or lost stays as it is.
        return reverse(purchaseId, reason, p -> p.disputeStatus() != DisputeStatus.NONE ? p
                : p.withReversal(p.refundedCredits(), disputedCredits, DisputeStatus.OPEN, p.frozenCredits(),
                p.clawedBack()));
    }

    public PurchaseResult resolveDispute(String purchaseId, long disputedCredits, boolean won, String reason) {
        Checks.notNegative("disputedCredits", disputedCredits);
        // A resolved dispute stays resolved; one resolved before it was reported open resolves from NONE.
        return reverse(purchaseId, reason, p -> p.disputeStatus() == DisputeStatus.WON
                || p.disputeStatus() == DisputeStatus.LOST ? p
                : p.withReversal(p.refundedCredits(), disputedCredits, won ? DisputeStatus.WON : DisputeStatus.LOST,
                p.frozenCredits(), p.clawedBack()));
    }

    /**
     * Moves a completed purchase's payment state (refunded credits, dispute) to {@code next} and settles its
     * credits: a dispute that opens freezes the purchase's unspent credits, one that ends unfreezes them, and
     * the clawed-back total rises to {@code min(refunded + lost dispute, granted - expired)}. Everything is kept
     * as totals, so a repeated or late report changes nothing twice and refunds and disputes never claw the same
     * credits twice.
     */
    private PurchaseResult reverse(String purchaseId, String reason, UnaryOperator<Purchase> next) {
        Checks.id("purchaseId", purchaseId);
        Checks.text("reason", reason);
        return uow.mutatePurchase(purchaseId, (session, p) -> {
            if (p.status() != PurchaseStatus.COMPLETED) {
                throw new PurchaseStateException("purchase '" + purchaseId + "' is " + p.status()
                        + ": only a completed purchase's payment can be refunded or disputed");
            }
            Purchase wanted = next.apply(p);
            if (wanted.refundedCredits() == p.refundedCredits() && wanted.disputedCredits() == p.disputedCredits()
                    && wanted.disputeStatus() == p.disputeStatus()) {
                return PurchaseRules.replayOf(session, purchaseId, null);
            }
            // Unfreeze first, then settle time: frozen credits are unspent (a clawback takes them, not debt), and
            // frozen credits of a lot that expired meanwhile expire now rather than being clawed back as well.
            long frozen = 0;
            if (p.disputeStatus() == DisputeStatus.OPEN) {
                for (Hold hold : session.tx().findOpenHolds()) {
                    if (hold.isFreeze() && purchaseId.equals(hold.purchaseId())) {
                        session.releaseHold(hold, HoldStatus.RELEASED);
                    }
                }
            }
            session.settle();
            long expired = 0;
            for (LedgerEntry entry : session.tx().findEntriesReferencing(p.transactionId())) {
                if (entry.type() == EntryType.EXPIRY) {
                    expired -= entry.amount();
                }
            }
            for (LedgerEntry entry : session.newEntries()) {
                if (entry.type() == EntryType.EXPIRY && p.transactionId().equals(entry.referenceId())) {
                    expired -= entry.amount();
                }
            }
            long lost = wanted.disputeStatus() == DisputeStatus.LOST ? wanted.disputedCredits() : 0;
            long target = Math.min(Math.max(0, p.totalCredits() - expired),
                    Checks.add("credits", wanted.refundedCredits(), lost));
            long clawed = p.clawedBack();
            if (target > clawed) {
                String transactionId = AccountSession.newId();
                List<AccountSession.Portion> portions = session.clawBack(session.lot(p.lotId()), target - clawed,
                        transactionId);
                session.addEntry(EntryDraft.of(transactionId, EntryType.CLAWBACK, p.creditType(), -(target - clawed))
                        .withReference(p.transactionId()).withReason(reason)
                        .withPurchase(purchaseId));
                session.addAllocations(transactionId, portions, -1);
                clawed = target;
            }
            if (wanted.disputeStatus() == DisputeStatus.OPEN) {
                // (Re)freeze what is left of the disputed credits.
                Lot lot = session.lot(p.lotId());
                long unspent = lot.isExpiredAt(session.now()) ? 0 : Math.max(0, lot.available());
                frozen = Math.min(wanted.disputedCredits(), unspent);
                if (frozen > 0) {
                    session.freeze(lot, frozen, purchaseId);
                }
            }
            Purchase updated = wanted.withReversal(wanted.refundedCredits(), wanted.disputedCredits(),
                    wanted.disputeStatus(), frozen, clawed);
            session.putPurchase(updated);
            long sequence = session.write();
            return new PurchaseResult(true, null, null, updated, null, sequence, false);
        });
    }
}
