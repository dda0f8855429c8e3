package dev.credits;

import dev.credits.internal.Observation;
import dev.credits.internal.CatalogRules;
import dev.credits.internal.PaymentReversals;
import dev.credits.internal.PurchaseRules;

import java.util.List;
import java.util.Optional;

/**
 * Selling credits, reached with {@link CreditLedger#commerce()}: the catalog of credit packages and promotions,
 * quotes, purchases (pending, completed, failed) and the reversals of a purchase's payment (refunds and
 * disputes). Every rule lives in the ledger; thread-safe like the ledger.
 *
 * <pre>{@code
 * ledger.commerce().savePackage(new CreditPackage("starter", "Starter", 100, Money.of("1.99", "USD"),
 *         CreditLedger.DEFAULT_CREDIT_TYPE, Period.ofMonths(12), true));
 * PurchaseResult bought = ledger.commerce().purchase(PurchaseRequest.ofPackage("org_42", "starter")
 *         .withPurchaseId(paymentIntentId));
 * }</pre>
 */
public final class Commerce {
    private final Observation observation;
    private final CatalogRules catalog;
    private final PurchaseRules purchases;
    private final PaymentReversals reversals;

    Commerce(Observation observation, CatalogRules catalog, PurchaseRules purchases, PaymentReversals reversals) {
        this.observation = observation;
        this.catalog = catalog;
        this.purchases = purchases;
        this.reversals = reversals;
    }

    /** Inserts the credit package, or replaces the one with the same id. @return it as stored */
    public CreditPackage savePackage(CreditPackage creditPackage) {
        return observation.call("commerce.savePackage", null, () -> catalog.savePackage(creditPackage));
    }

    /** @return the credit package, or empty */
    public Optional<CreditPackage> getPackage(String packageId) {
        return observation.call("commerce.getPackage", null, () -> catalog.getPackage(packageId));
    }

    /** @return every credit package, ordered by id */
    public List<CreditPackage> listPackages() {
        return observation.call("commerce.listPackages", null, () -> catalog.listPackages());
    }

    /**
     * Inserts the promotion, or replaces the one with the same code (keeping its use count).
     *
     * @return it as stored
     */
    public Promotion savePromotion(Promotion promotion) {
        return observation.call("commerce.savePromotion", null, () -> catalog.savePromotion(promotion));
    }

    /** @return the promotion with its use count, or empty */
    public Optional<Promotion> getPromotion(String code) {
        return observation.call("commerce.getPromotion", null, () -> catalog.getPromotion(code));
    }

    /** @return every promotion, ordered by code */
    public List<Promotion> listPromotions() {
        return observation.call("commerce.listPromotions", null, () -> catalog.listPromotions());
    }

    /**
     * Prices a purchase without recording anything: list price (package price or credits x credit rate), bulk
     * discount, promotion, bonus credits, each as a line with the rule that produced it, and whether the
     * purchase policy allows it. The payment fields of the request are ignored.
     *
     * @throws UnknownAccountException if the account does not exist
     */
    public Quote quote(PurchaseRequest request) {
        return observation.call("commerce.quote", request, () -> purchases.quote(request));
    }

    /**
     * Records a purchase and, unless it is pending, grants its credits on a new lot (source
     * {@link LotSource#PURCHASE}, the price paid as its money, expiring per the package's validity). Checked
     * first, writing nothing when rejected: the purchase policy, the account's plan, the package and the
     * promotion (window, packages, total and per-account uses, counted atomically). A purchase id (or key) seen
     * before changes nothing and reports the purchase as it stands now ({@code replayed}; see
     * {@link PurchaseResult}).
     *
     * @throws UnknownAccountException      if the account does not exist
     * @throws IdempotencyConflictException if the purchase id or key was used for a different purchase
     */
    public PurchaseResult purchase(PurchaseRequest request) {
        return observation.call("commerce.purchase", request, () -> purchases.purchase(request));
    }

    /**
     * Completes a pending purchase (its payment was confirmed): grants its credits, valid per its validity from
     * now. Completing a completed purchase returns it unchanged ({@code replayed}).
     *
     * @throws UnknownPurchaseException if there is no such purchase
     * @throws PurchaseStateException   if it failed
     */
    public PurchaseResult completePurchase(String purchaseId) {
        return observation.call("commerce.completePurchase", null, () -> purchases.completePurchase(purchaseId));
    }

    /**
     * Fails a pending purchase (its payment failed): nothing is granted and its promotion use is given back.
     * Failing a failed purchase returns it unchanged ({@code replayed}).
     *
     * @throws UnknownPurchaseException if there is no such purchase
     * @throws PurchaseStateException   if it completed
     */
    public PurchaseResult failPurchase(String purchaseId, String reason) {
        return observation.call("commerce.failPurchase", null, () -> purchases.failPurchase(purchaseId, reason));
    }

    /**
     * Records that the payment of a completed purchase was refunded, and takes the credits back. The amount is
     * the cumulative total refunded so far, in credits (see {@link Purchase#creditsFor(long, long)} to turn a
     * refunded share of the payment into credits), so repeated or out-of-order reports are harmless. The purchase
     * keeps the totals, and the credits taken back rise to {@code min(refunded + lost dispute, granted - expired)}:
     * first its lot's unspent credits, the rest (already spent) as debt the next grant pays first. The
     * {@link EntryType#CLAWBACK} entry references the purchase's grant.
     *
     * @throws UnknownPurchaseException if there is no such purchase
     * @throws PurchaseStateException   unless it is completed
     */
    public PurchaseResult clawBackPurchase(String purchaseId, long refundedCredits, String reason) {
        return observation.call("commerce.clawBackPurchase", null,
                () -> reversals.clawBackPurchase(purchaseId, refundedCredits, reason));
    }

    /**
     * Records that the payment of a completed purchase is disputed: its unspent credits, up to
     * {@code disputedCredits}, are frozen (held, not spendable) until {@link #resolveDispute}. A purchase whose
     * dispute is already open or resolved is unchanged ({@code replayed}).
     *
     * @throws UnknownPurchaseException if there is no such purchase
     * @throws PurchaseStateException   unless it is completed
     */
    public PurchaseResult disputePurchase(String purchaseId, long disputedCredits, String reason) {
        return observation.call("commerce.disputePurchase", null,
                () -> reversals.disputePurchase(purchaseId, disputedCredits, reason));
    }

    /**
     * Resolves the dispute of a purchase's payment: won unfreezes its credits; lost unfreezes them and takes
     * {@code disputedCredits} back (netted with refunds, capped at what the purchase granted; spent credits
     * become debt). A dispute resolved before it was reported open resolves directly; a resolved one is unchanged.
     *
     * @throws UnknownPurchaseException if there is no such purchase
     * @throws PurchaseStateException   unless it is completed
     */
    public PurchaseResult resolveDispute(String purchaseId, long disputedCredits, boolean won, String reason) {
        return observation.call("commerce.resolveDispute", null,
                () -> reversals.resolveDispute(purchaseId, disputedCredits, won, reason));
    }

    /** @return the purchase, or empty */
    public Optional<Purchase> getPurchase(String purchaseId) {
        return observation.call("commerce.getPurchase", null, () -> purchases.getPurchase(purchaseId));
    }

    /**
     * @return the account's purchases, oldest first
     * @throws UnknownAccountException if the account does not exist
     */
    public List<Purchase> listPurchases(String accountId) {
        return observation.call("commerce.listPurchases", accountId, () -> purchases.listPurchases(accountId));
    }
}
