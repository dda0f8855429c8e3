package dev.credits;

import java.util.Map;
import java.util.Objects;

/**
 * Which purchases wait for an approval, decided per organization (or per account): seed 000's "approval workflows for
 * large credit purchases", where each enterprise customer sets its own limit. It adds to the ledger-wide threshold of
 * {@link PurchasePolicy#withApprovalAbove(long, Money)}: a purchase waits when either says so. Set it with
 * {@link CreditLedger.Builder#approvalRule(ApprovalRule)}; the approval itself is {@link Orgs#approvePurchase}.
 *
 * <p>The ledger calls it inside the purchase's unit of work, with the account's lock held: it must be fast, must not
 * call the ledger, and must answer the same for the same arguments (a purchase the store reruns after a conflict is
 * decided again). Typically it looks the organization up in a map the host keeps.
 */
@FunctionalInterface
public interface ApprovalRule {

    /** No purchase waits (beyond the policy's ledger-wide threshold). */
    ApprovalRule NONE = (organizationId, accountId, credits, price) -> false;

    /**
     * @param organizationId the root pool of the buying account's organization ({@link Orgs#setParent}), or the
     *                       account itself when it is in no pool
     * @param accountId      the buying account
     * @param credits        the credits bought, bonus excluded
     * @param price          what the buyer pays, or null when the purchase has no price
     * @return whether the purchase is created {@link PurchaseStatus#PENDING_APPROVAL}, granting nothing until approved
     */
    boolean needsApproval(String organizationId, String accountId, long credits, Money price);

    /**
     * @param creditsByOrganization per organization (root pool id), the most credits a purchase may buy without an
     *                              approval; organizations not listed need none
     * @return a rule that holds purchases of more credits than their organization's limit
     */
    static ApprovalRule creditsAbove(Map<String, Long> creditsByOrganization) {
        Map<String, Long> limits = Map.copyOf(Objects.requireNonNull(creditsByOrganization, "creditsByOrganization"));
        return (organizationId, accountId, credits, price) -> {
            Long limit = limits.get(organizationId);
            return limit != null && credits > limit;
        };
    }
}
