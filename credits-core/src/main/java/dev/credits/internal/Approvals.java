package dev.credits.internal;

import dev.credits.Actor;
import dev.credits.AuditAction;
import dev.credits.EventPayload;
import dev.credits.Lot;
import dev.credits.Purchase;
import dev.credits.PurchaseApproval;
import dev.credits.PurchaseResult;
import dev.credits.PurchaseStateException;
import dev.credits.PurchaseStatus;
import dev.credits.spi.PromotionUse;

import java.util.Map;

/**
 * Approval of large purchases: a purchase above the policy's threshold waits (PENDING_APPROVAL, nothing granted)
 * until an approver moves it on, exactly once: approved, it goes on as it was asked for (pending payment, or
 * completed with its credits granted); rejected, it ends. Repeating the same decision returns it as it stands; the
 * other decision is a {@link PurchaseStateException}. Each step is announced ({@link EventPayload.PurchaseApproval})
 * and audited (action {@link dev.credits.AuditAction#APPROVAL_DECIDED}, made by the approver). Stateless apart from its collaborators; thread-safe.
 */
public final class Approvals {
    private final UnitOfWork uow;

    public Approvals(UnitOfWork uow) {
        this.uow = uow;
    }

    /** @return the new purchase as awaiting approval, announced in the session's unit of work */
    static Purchase awaiting(AccountSession session, Purchase purchase, boolean paymentPending) {
        Purchase waiting = purchase.toBuilder().status(PurchaseStatus.PENDING_APPROVAL)
                .approval(PurchaseApproval.awaiting(paymentPending)).build();
        session.emit(purchase.creditType(), new EventPayload.PurchaseApproval(purchase.purchaseId(),
                PurchaseStatus.PENDING_APPROVAL, null, null));
        return waiting;
    }

    public PurchaseResult approve(String purchaseId, Actor approver) {
        Checks.id("purchaseId", purchaseId);
        Checks.required("approver", approver);
        return uow.mutatePurchase(purchaseId, (session, purchase) -> {
            PurchaseApproval approval = purchase.approval();
            if (approval == null) {
                throw new PurchaseStateException("purchase '" + purchaseId + "' needs no approval");
            }
            if (approval.approved()) {
                return PurchaseRules.replayOf(session, purchaseId, null);
            }
            if (purchase.status() != PurchaseStatus.PENDING_APPROVAL) {
                throw new PurchaseStateException("purchase '" + purchaseId + "' is " + purchase.status()
                        + "; it can no longer be approved");
            }
            PurchaseApproval decided = approval.decided(approver.id(), session.now(), true);
            Purchase approved = purchase.toBuilder().status(PurchaseStatus.PENDING).approval(decided).build();
            Lot lot = null;
            if (!approval.paymentPending()) {
                session.settle();
                lot = PurchaseRules.grant(session, approved);
                approved = approved.completed(session.now(), lot.lotId(), lot.transactionId());
                session.purchaseResolved(approved);
            }
            session.putPurchase(approved);
            session.emit(purchase.creditType(), new EventPayload.PurchaseApproval(purchaseId, approved.status(),
                    approver.id(), null));
            session.audit(AuditAction.APPROVAL_DECIDED, purchaseId, Map.of("status", purchase.status().name()),
                    Map.of("status", approved.status().name()), approver);
            long sequence = session.write();
            return new PurchaseResult(true, null, null, approved, lot, sequence, false);
        });
    }

    public PurchaseResult reject(String purchaseId, Actor approver, String reason) {
        Checks.id("purchaseId", purchaseId);
        Checks.required("approver", approver);
        String why = Checks.requiredText("reason", reason);
        return uow.mutatePurchase(purchaseId, (session, purchase) -> {
            PurchaseApproval approval = purchase.approval();
            if (approval == null) {
                throw new PurchaseStateException("purchase '" + purchaseId + "' needs no approval");
            }
            if (purchase.status() == PurchaseStatus.REJECTED) {
                return PurchaseRules.replayOf(session, purchaseId, null);
            }
            if (purchase.status() != PurchaseStatus.PENDING_APPROVAL) {
                throw new PurchaseStateException("purchase '" + purchaseId + "' is " + purchase.status()
                        + "; it can no longer be rejected");
            }
            Purchase rejected = purchase.toBuilder().status(PurchaseStatus.REJECTED)
                    .approval(approval.decided(approver.id(), session.now(), false))
                    .resolution(session.now(), why).build();
            session.putPurchase(rejected);
            if (purchase.promotionCode() != null) {
                session.usePromotion(new PromotionUse(purchase.promotionCode(), -1));
            }
            session.emit(purchase.creditType(), new EventPayload.PurchaseApproval(purchaseId, PurchaseStatus.REJECTED,
                    approver.id(), why));
            session.audit(AuditAction.APPROVAL_DECIDED, purchaseId, Map.of("status", purchase.status().name()),
                    Map.of("status", PurchaseStatus.REJECTED.name(), "reason", why), approver);
            long sequence = session.write();
            return new PurchaseResult(true, null, null, rejected, null, sequence, false);
        });
    }
}
