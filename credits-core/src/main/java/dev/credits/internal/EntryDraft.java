package dev.credits.internal;

import dev.credits.EntryType;
import dev.credits.LedgerEntry;

import java.time.Instant;
import java.util.Map;

/**
 * A ledger entry being written, named field by field: what a rule hands to {@link AccountSession#addEntry}, which
 * adds the account, the sequence number, the balance after it and the time. Immutable; each {@code with...} returns
 * a copy.
 */
record EntryDraft(String transactionId, EntryType type, String creditType, long amount, String featureKey,
                  long quantity, long unitPrice, String pricePlanId, int retryNumber, String userId, String holdId,
                  String referenceId, String reason, String idempotencyKey, Map<String, String> metadata) {

    /** @return an entry of {@code amount} credits (negative takes them) with no other field set */
    static EntryDraft of(String transactionId, EntryType type, String creditType, long amount) {
        return new EntryDraft(transactionId, type, creditType, amount, null, 0, 0, null, 0, null, null, null, null,
                null, Map.of());
    }

    /** @return a copy for {@code quantity} units of a feature at {@code unitPrice} credits each */
    EntryDraft withFeature(String key, long units, long price) {
        return new EntryDraft(transactionId, type, creditType, amount, key, units, price, pricePlanId, retryNumber,
                userId, holdId, referenceId, reason, idempotencyKey, metadata);
    }

    /** @return a copy priced at the plan's own price (null: the feature's) */
    EntryDraft withPricePlan(String planId) {
        return new EntryDraft(transactionId, type, creditType, amount, featureKey, quantity, unitPrice, planId,
                retryNumber, userId, holdId, referenceId, reason, idempotencyKey, metadata);
    }

    /** @return a copy that is retry number {@code number} of the original it {@linkplain #withReference references} */
    EntryDraft withRetryNumber(int number) {
        return new EntryDraft(transactionId, type, creditType, amount, featureKey, quantity, unitPrice, pricePlanId,
                number, userId, holdId, referenceId, reason, idempotencyKey, metadata);
    }

    EntryDraft withUserId(String value) {
        return new EntryDraft(transactionId, type, creditType, amount, featureKey, quantity, unitPrice, pricePlanId,
                retryNumber, value, holdId, referenceId, reason, idempotencyKey, metadata);
    }

    EntryDraft withHoldId(String value) {
        return new EntryDraft(transactionId, type, creditType, amount, featureKey, quantity, unitPrice, pricePlanId,
                retryNumber, userId, value, referenceId, reason, idempotencyKey, metadata);
    }

    /** @return a copy referencing another transaction (the deduction a refund returns, the grant a lot expired of) */
    EntryDraft withReference(String transactionId) {
        return new EntryDraft(this.transactionId, type, creditType, amount, featureKey, quantity, unitPrice,
                pricePlanId, retryNumber, userId, holdId, transactionId, reason, idempotencyKey, metadata);
    }

    EntryDraft withReason(String value) {
        return new EntryDraft(transactionId, type, creditType, amount, featureKey, quantity, unitPrice, pricePlanId,
                retryNumber, userId, holdId, referenceId, value, idempotencyKey, metadata);
    }

    EntryDraft withIdempotencyKey(String value) {
        return new EntryDraft(transactionId, type, creditType, amount, featureKey, quantity, unitPrice, pricePlanId,
                retryNumber, userId, holdId, referenceId, reason, value, metadata);
    }

    EntryDraft withMetadata(Map<String, String> value) {
        return new EntryDraft(transactionId, type, creditType, amount, featureKey, quantity, unitPrice, pricePlanId,
                retryNumber, userId, holdId, referenceId, reason, idempotencyKey, value == null ? Map.of() : value);
    }

    /** @return the entry, as the account's entry number {@code sequence} leaving {@code balanceAfter} */
    LedgerEntry toEntry(String accountId, long sequence, long balanceAfter, Instant at) {
        return new LedgerEntry(transactionId, accountId, sequence, type, creditType, amount, balanceAfter, featureKey,
                quantity, unitPrice, pricePlanId, retryNumber, userId, holdId, referenceId, reason, idempotencyKey,
                metadata, at);
    }
}
