package dev.credits;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A purchase of credits (or its quote): a package or a custom number of credits, optionally with a promotion
 * code. Immutable; start with {@link #ofPackage(String, String)} or {@link #ofCredits(String, long)}.
 *
 * <pre>{@code
 * PurchaseResult bought = ledger.commerce().purchase(PurchaseRequest.ofPackage("org_42", "starter")
 *         .withPromotionCode("SPRING20")
 *         .withPurchaseId("pi_3Mtw")                 // e.g. the payment provider's id
 *         .withPaymentReference("pi_3Mtw"));
 * }</pre>
 *
 * @param accountId        the buyer
 * @param packageId        the package bought, or null for a custom amount
 * @param credits          for a custom amount the credits bought (priced at the policy's credit rate); 0 with a
 *                         package
 * @param promotionCode    a promotion code, or null
 * @param purchaseId       the purchase's id, unique across accounts (the host's or the payment provider's id), or
 *                         null for a generated one; a second purchase with the same id replays the first
 * @param paymentReference the payment's reference at the provider, or null
 * @param pending          true to record the purchase as pending (payment not yet confirmed): its credits come
 *                         with {@link Commerce#completePurchase}
 * @param policyChecked    true when the purchase policy was checked as the checkout was offered and the customer
 *                         has paid or committed to pay since (a payment webhook): the policy, the account's plan and
 *                         the package's active flag are not checked again, so a package switched off meanwhile still
 *                         gets what was paid for (an unknown package and the promotion rules still apply)
 * @param metadata         the host's key/value notes, copied onto the lot (default empty)
 * @param idempotencyKey   makes the call safe to retry, or null
 * @param creditType       for a custom amount the credit type bought (null: {@link CreditLedger#DEFAULT_CREDIT_TYPE});
 *                         null with a package (the package says its type)
 * @param paidPrice        the price the buyer paid, from the quote a checkout was sold at, or null: the purchase records
 *                         it as its price instead of the price the rules give now, so a rate or discount changed
 *                         between checkout and payment does not rewrite what was paid (the credits are the request's)
 */
public record PurchaseRequest(String accountId, String packageId, long credits, String promotionCode,
                              String purchaseId, String paymentReference, boolean pending, boolean policyChecked,
                              Map<String, String> metadata, String idempotencyKey, String creditType,
                              Money paidPrice) {

    public PurchaseRequest {
        // A copy, so the request stays immutable; null entries are kept for the ledger to reject clearly.
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A purchase of the default credit type or of a package (the form before {@link #creditType()} existed). */
    public PurchaseRequest(String accountId, String packageId, long credits, String promotionCode, String purchaseId,
                           String paymentReference, boolean pending, boolean policyChecked,
                           Map<String, String> metadata, String idempotencyKey) {
        this(accountId, packageId, credits, promotionCode, purchaseId, paymentReference, pending, policyChecked,
                metadata, idempotencyKey, null, null);
    }

    /** @return a copy that records {@code value} as the price paid (see {@link #paidPrice()}) */
    public PurchaseRequest withPaidPrice(Money value) {
        return new PurchaseRequest(accountId, packageId, credits, promotionCode, purchaseId, paymentReference,
                pending, policyChecked, metadata, idempotencyKey, creditType, value);
    }

    /** @return a purchase of a custom number of credits of {@code creditType} at the credit rate */
    public static PurchaseRequest ofCredits(String accountId, long credits, String creditType) {
        return new PurchaseRequest(accountId, null, credits, null, null, null, false, false, Map.of(), null,
                creditType, null);
    }

    /** @return a copy buying credits of {@code value} (custom amounts only) */
    public PurchaseRequest withCreditType(String value) {
        return new PurchaseRequest(accountId, packageId, credits, promotionCode, purchaseId, paymentReference,
                pending, policyChecked, metadata, idempotencyKey, value, paidPrice);
    }

    /** @return a purchase of a package */
    public static PurchaseRequest ofPackage(String accountId, String packageId) {
        return new PurchaseRequest(accountId, packageId, 0, null, null, null, false, false, Map.of(), null);
    }

    /** @return a purchase of a custom number of credits at the policy's credit rate */
    public static PurchaseRequest ofCredits(String accountId, long credits) {
        return new PurchaseRequest(accountId, null, credits, null, null, null, false, false, Map.of(), null);
    }

    public PurchaseRequest withPromotionCode(String value) {
        return new PurchaseRequest(accountId, packageId, credits, value, purchaseId, paymentReference, pending,
                policyChecked, metadata, idempotencyKey, creditType, paidPrice);
    }

    public PurchaseRequest withPurchaseId(String value) {
        return new PurchaseRequest(accountId, packageId, credits, promotionCode, value, paymentReference, pending,
                policyChecked, metadata, idempotencyKey, creditType, paidPrice);
    }

    public PurchaseRequest withPaymentReference(String value) {
        return new PurchaseRequest(accountId, packageId, credits, promotionCode, purchaseId, value, pending,
                policyChecked, metadata, idempotencyKey, creditType, paidPrice);
    }

    /** @return a copy recorded as pending until {@link Commerce#completePurchase} */
    public PurchaseRequest withPending(boolean value) {
        return new PurchaseRequest(accountId, packageId, credits, promotionCode, purchaseId, paymentReference, value,
                policyChecked, metadata, idempotencyKey, creditType, paidPrice);
    }

    public PurchaseRequest withMetadata(Map<String, String> value) {
        return new PurchaseRequest(accountId, packageId, credits, promotionCode, purchaseId, paymentReference,
                pending, policyChecked, value, idempotencyKey, creditType, paidPrice);
    }

    public PurchaseRequest withIdempotencyKey(String value) {
        return new PurchaseRequest(accountId, packageId, credits, promotionCode, purchaseId, paymentReference,
                pending, policyChecked, metadata, value, creditType, paidPrice);
    }

    /** @return a copy whose purchase policy is not checked again (see {@link #policyChecked()}) */
    public PurchaseRequest withPolicyChecked(boolean value) {
        return new PurchaseRequest(accountId, packageId, credits, promotionCode, purchaseId, paymentReference,
                pending, value, metadata, idempotencyKey, creditType, paidPrice);
    }
}
