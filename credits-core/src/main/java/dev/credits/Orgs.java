package dev.credits;

import dev.credits.internal.Approvals;
import dev.credits.internal.Observation;
import dev.credits.internal.OrgRules;

import java.util.List;

/**
 * Organizations, reached with {@link CreditLedger#orgs()}: pools and their members, spending caps, transfers between
 * accounts of one organization, and the approval of large purchases. Every rule lives in the ledger; thread-safe like
 * the ledger. Who may do what is the host's decision; the ledger records who did (see
 * {@link CreditLedger#actingAs(Actor)}).
 *
 * <p><b>Pools.</b> An account can be a member of a parent pool account (a department of an organization, a user of a
 * department), at most {@value #MAX_DEPTH} levels deep. A member spends its own credits first, then its parent's,
 * then each pool further up, to the root; what a pool lends moves to the member inside the spend (TRANSFER entries on
 * both, the lots' expiry and cost basis kept), so a refund or a released hold gives the credits back to the member.
 * A pool lends its available credits, never its overdraft. A member's unit of work locks its pools root first, then
 * the member: one canonical order (depth, then id), so no two calls deadlock.
 *
 * <p><b>Caps.</b> {@link #setCap} limits what an account and every member under it spend per period (day, week,
 * month, lifetime; half-open, in the cap's zone), in total or per key (a user id, a metadata value). A spend past a cap
 * is rejected with {@link RejectionReason#CAP_EXCEEDED} and the {@link CapExceeded} details; open holds count and give
 * back what they did not spend.
 *
 * <pre>{@code
 * ledger.orgs().setParent("dept_marketing", "org_acme");
 * ledger.orgs().setCap("dept_marketing", SpendingCap.of("monthly", CapPeriod.MONTH, 2_000));
 * ledger.deductCredits("dept_marketing", "image_generation");   // spends org_acme's credits, counts against the cap
 * }</pre>
 */
public final class Orgs {
    /** How many levels an organization may have (organization -> department -> team -> user). */
    public static final int MAX_DEPTH = 4;

    private final Observation observation;
    private final OrgRules rules;
    private final Approvals approvals;

    Orgs(Observation observation, OrgRules rules, Approvals approvals) {
        this.observation = observation;
        this.rules = rules;
        this.approvals = approvals;
    }

    /**
     * Makes an account a member of a pool, or (with a null parent) of none. Its own credits stay with it, and its own
     * members move with it: the pool's depth plus the account's deepest level of members below it must stay within
     * {@value #MAX_DEPTH} levels.
     *
     * @param memberId the account
     * @param parentId its new pool, or null
     * @return the account as stored
     * @throws InvalidArgumentException if the account would be its own pool (directly or through its members), or
     *                                  the pool is already {@value #MAX_DEPTH} levels deep, or the account's members
     *                                  would end up deeper than {@value #MAX_DEPTH} levels under it (a pool 2 levels
     *                                  deep takes an account with members but none of theirs); nothing was changed
     * @throws UnknownAccountException  if either account does not exist
     */
    public Account setParent(String memberId, String parentId) {
        return observation.call("orgs.setParent", memberId, () -> rules.setParent(memberId, parentId));
    }

    /**
     * Sets a spending cap of the account (replacing the one with the same id, keeping what its period used).
     *
     * @return the cap as stored, with who set it and when
     * @throws InvalidArgumentException if the cap is malformed (e.g. a negative limit); nothing was changed
     */
    public SpendingCap setCap(String accountId, SpendingCap cap) {
        return observation.call("orgs.setCap", accountId, () -> rules.setCap(accountId, cap));
    }

    /** Removes a spending cap and its usage. @return whether there was one */
    public boolean removeCap(String accountId, String capId) {
        return observation.call("orgs.removeCap", accountId, () -> rules.removeCap(accountId, capId));
    }

    /** @return the account's spending caps */
    public List<SpendingCap> caps(String accountId) {
        return observation.call("orgs.caps", accountId, () -> rules.caps(accountId));
    }

    /**
     * What a cap's current period has used. The holds of the account's members that timed out unnoticed are timed out
     * first (written as {@link CreditLedger#expireDue} would), so what they gave back is not counted.
     *
     * @param key the key's value for a cap with a key, or null
     * @return what the cap's current period has used (deductions and open holds), 0 without such cap
     */
    public long capUsed(String accountId, String capId, String key) {
        return observation.call("orgs.capUsed", accountId, () -> rules.capUsed(accountId, capId, key));
    }

    /**
     * Moves credits between two accounts of one organization (the same root pool), atomically and idempotently: the
     * source's lots in burn-down order, each part onto a new TRANSFER lot of the destination that keeps its expiry and
     * cost basis. Never more than the source's available credits (a rejection value otherwise).
     *
     * @throws InvalidArgumentException if the two are the same account or in different organizations; nothing was
     *                                  changed
     */
    public TransferResult transfer(TransferRequest request) {
        return observation.call("orgs.transfer", request == null ? null : request.fromAccountId(),
                () -> rules.transfer(request));
    }

    /**
     * Approves a purchase that waits for approval ({@link PurchasePolicy#withApprovalAbove}): it goes on to
     * {@link PurchaseStatus#PENDING} (if it was asked for as pending payment) or completes with its credits granted.
     * Approving it again returns it as it stands.
     *
     * @param approver who approves (recorded on the purchase and the event)
     * @throws PurchaseStateException if it needs no approval or was rejected
     */
    public PurchaseResult approvePurchase(String purchaseId, Actor approver) {
        return observation.call("orgs.approvePurchase", purchaseId, () -> approvals.approve(purchaseId, approver));
    }

    /**
     * Rejects a purchase that waits for approval: it ends as {@link PurchaseStatus#REJECTED}, granting nothing.
     * Rejecting it again returns it as it stands.
     *
     * @throws PurchaseStateException if it needs no approval or was approved
     */
    public PurchaseResult rejectPurchase(String purchaseId, Actor approver, String reason) {
        return observation.call("orgs.rejectPurchase", purchaseId,
                () -> approvals.reject(purchaseId, approver, reason));
    }
}
