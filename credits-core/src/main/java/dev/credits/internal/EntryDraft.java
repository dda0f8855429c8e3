package dev.credits.internal;

import dev.credits.Actor;
import dev.credits.EntryType;
import dev.credits.LedgerEntry;

import java.time.Instant;
import java.util.Map;

/**
 * A ledger entry being written, named field by field: what a rule hands to {@link AccountSession#addEntry}, which
 * adds the account, the sequence number, the balance after it and the time. Each {@code with...} sets a field and
 * returns the draft; a draft is written once. Not thread-safe.
 */
final class EntryDraft {
    private final LedgerEntry.Builder entry;
    private final String creditType;
    private final EntryType type;

    private EntryDraft(String transactionId, EntryType type, String creditType, long amount) {
        this.entry = LedgerEntry.builder(transactionId, type, creditType, amount);
        this.creditType = creditType;
        this.type = type;
    }

    EntryType type() {
        return type;
    }

    /** @return an entry of {@code amount} credits (negative takes them) with no other field set */
    static EntryDraft of(String transactionId, EntryType type, String creditType, long amount) {
        return new EntryDraft(transactionId, type, creditType, amount);
    }

    String creditType() {
        return creditType;
    }

    /** For {@code quantity} units of a feature at {@code unitPrice} credits each. */
    EntryDraft withFeature(String key, long units, long price) {
        entry.feature(key, units, price);
        return this;
    }

    /** Priced at the plan's own price (null: the feature's). */
    EntryDraft withPricePlan(String planId) {
        entry.pricePlanId(planId);
        return this;
    }

    /** Retry number {@code number} of the original it {@linkplain #withReference references}. */
    EntryDraft withRetryNumber(int number) {
        entry.retryNumber(number);
        return this;
    }

    EntryDraft withUserId(String value) {
        entry.userId(value);
        return this;
    }

    EntryDraft withHoldId(String value) {
        entry.holdId(value);
        return this;
    }

    /** Referencing another transaction (the deduction a refund returns, the grant a lot expired of). */
    EntryDraft withReference(String transactionId) {
        entry.referenceId(transactionId);
        return this;
    }

    /** For the purchase a grant completes or a clawback reverses. */
    EntryDraft withPurchase(String purchaseId) {
        entry.purchaseId(purchaseId);
        return this;
    }

    EntryDraft withReason(String value) {
        entry.reason(value);
        return this;
    }

    EntryDraft withIdempotencyKey(String value) {
        entry.idempotencyKey(value);
        return this;
    }

    EntryDraft withMetadata(Map<String, String> value) {
        entry.metadata(value);
        return this;
    }

    /** @return the entry, as the account's entry number {@code sequence} leaving {@code balanceAfter}, by {@code actor} */
    LedgerEntry toEntry(String accountId, long sequence, long balanceAfter, Instant at, Actor actor) {
        return entry.posted(accountId, sequence, balanceAfter).createdAt(at).actor(actor).build();
    }
}
