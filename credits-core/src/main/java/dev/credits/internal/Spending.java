package dev.credits.internal;

import dev.credits.AccountStatus;
import dev.credits.CapExceeded;
import dev.credits.CheckResult;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.FeaturePricing;
import dev.credits.GrantRequest;
import dev.credits.GrantResult;
import dev.credits.Hold;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Plan;
import dev.credits.RejectionReason;
import dev.credits.internal.AccountSession.Portion;
import dev.credits.spi.CatalogTable;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of grants, checks and deductions (with free retries), and the price and rejection rules a
 * reservation shares. Stateless apart from its collaborators; thread-safe.
 */
public final class Spending {
    private final UnitOfWork uow;

    public Spending(UnitOfWork uow) {
        this.uow = uow;
    }

    public GrantResult grant(GrantRequest request) {
        Checks.required("request", request);
        String accountId = Checks.id("accountId", request.accountId());
        Checks.positive("amount", request.amount());
        Checks.creditType(request.creditType());
        Checks.required("source", request.source());
        if (request.source() == LotSource.OVERDRAFT) {
            throw new InvalidArgumentException("source", "the overdraft lot is kept by the ledger, not granted");
        }
        Checks.text("reason", request.reason());
        Map<String, String> metadata = Checks.metadata(request.metadata());
        String key = Checks.optionalId("idempotencyKey", request.idempotencyKey());
        Instant expiresAt = Checks.optionalInstant("expiresAt", request.expiresAt());
        Map<String, String> fingerprint = new LinkedHashMap<>();
        fingerprint.put("op", "grant");
        fingerprint.put("amount", Long.toString(request.amount()));
        fingerprint.put("creditType", request.creditType());
        fingerprint.put("source", request.source().name());
        fingerprint.put("priority", Integer.toString(request.priority()));
        fingerprint.put("expiresAt", expiresAt == null ? null : expiresAt.toString());
        fingerprint.put("moneyPaid", request.moneyPaid() == null ? null
                : request.moneyPaid().amount().stripTrailingZeros().toPlainString() + " "
                + request.moneyPaid().currency().getCurrencyCode());
        fingerprint.put("reason", request.reason());
        fingerprint.put("metadata", Codec.metadata(metadata));

        return uow.mutate(accountId, null, key, session -> {
            Optional<GrantResult> replay = UnitOfWork.replay(session, key, fingerprint, stored -> new GrantResult(
                    Snapshots.decodeLot(stored), Long.parseLong(stored.get("debtPaid")),
                    Long.parseLong(stored.get("balanceAfter")), Long.parseLong(stored.get("sequence")), true));
            if (replay.isPresent()) {
                return replay.get();
            }
            // Checked after the replay: a retried grant whose expiry has passed since still gets its first result.
            if (expiresAt != null && !expiresAt.isAfter(session.now())) {
                throw new InvalidArgumentException("expiresAt", "must be in the future: " + request.expiresAt());
            }
            session.settle();
            AccountSession.Granted granted = session.grantLot(request.creditType(), request.amount(),
                    request.source(), request.priority(), expiresAt, request.moneyPaid(), request.reason(), key,
                    metadata, AccountSession.Origin.NONE);
            Lot lot = granted.lot();
            long debtPaid = granted.debtPaid();
            GrantResult result = new GrantResult(lot, debtPaid, granted.entry().balanceAfter(),
                    session.sequenceAfterWrite(), false);
            if (key != null) {
                Map<String, String> stored = Snapshots.encodeLot(lot);
                stored.put("debtPaid", Long.toString(debtPaid));
                stored.put("balanceAfter", Long.toString(granted.entry().balanceAfter()));
                stored.put("sequence", Long.toString(result.sequence()));
                session.recordIdempotency(key, Codec.encode(fingerprint), Codec.encode(stored));
            }
            session.write();
            return result;
        });
    }

    // ================================================================ spending

    public CheckResult check(String accountId, String featureKey, long quantity) {
        Checks.id("accountId", accountId);
        Checks.featureKey(featureKey);
        Checks.positive("quantity", quantity);
        return uow.readSpendable(accountId, featureKey, session -> {
            Optional<FeaturePricing> feature = session.feature();
            long unitPrice = Price.of(session, feature).unitPrice();
            long required = Checks.cost(unitPrice, quantity);
            long available = feature.map(f -> session.spendable(f.creditType()))
                    .orElse(session.spendable(CreditLedger.DEFAULT_CREDIT_TYPE));
            RejectionReason reason = rejection(session, feature, required);
            return new CheckResult(reason == null, reason, accountId, featureKey, quantity, unitPrice, required,
                    available, session.account().sequence());
        });
    }

    /** @return why the account cannot spend {@code required} on the feature now, or null if it can */
    static RejectionReason rejection(AccountSession session, Optional<FeaturePricing> feature,
                                             long required) {
        if (feature.isEmpty()) {
            return RejectionReason.UNKNOWN_FEATURE;
        }
        if (!feature.get().active()) {
            return RejectionReason.INACTIVE_FEATURE;
        }
        if (session.account().status() == AccountStatus.PAUSED) {
            return RejectionReason.ACCOUNT_PAUSED;
        }
        Plan plan = plan(session);
        if (plan != null && !plan.canSpend(feature.get().creditType())) {
            return RejectionReason.PLAN_CANNOT_SPEND_CREDIT_TYPE;
        }
        if (required > 0
                && session.spendable(feature.get().creditType()) - required < -session.account().overdraftLimit()) {
            return RejectionReason.INSUFFICIENT_CREDITS;
        }
        return null;
    }

    /** @return the account's plan as stored now (read in the session's unit of work), or null without one */
    static Plan plan(AccountSession session) {
        String planId = session.account().planId();
        return planId == null ? null : session.tx().find(CatalogTable.PLANS, planId).orElse(null);
    }

    /** The price a spend pays: credits per unit and the plan whose own price it is (null: the feature's). */
    record Price(long unitPrice, String planId) {
        static Price of(AccountSession session, Optional<FeaturePricing> feature) {
            if (feature.isEmpty()) {
                return new Price(0, null);
            }
            String planId = session.account().planId();
            boolean planPrice = planId != null && feature.get().planPrices().containsKey(planId);
            return new Price(feature.get().creditsPerUnit(planId), planPrice ? planId : null);
        }
    }

    /** A validated spend (a deduction or a reservation) and the fingerprint of its request. */
    record Spend(String accountId, String featureKey, long quantity, String userId,
                         Map<String, String> metadata, String key, Map<String, String> fingerprint) {

        static Spend of(String op, String accountId, String featureKey, long quantity, String userId,
                        Map<String, String> metadata, String idempotencyKey) {
            // Checked in this order: with several bad arguments, the first one's is the error.
            String account = Checks.id("accountId", accountId);
            String feature = Checks.featureKey(featureKey);
            long units = Checks.positive("quantity", quantity);
            String user = Checks.optionalId("userId", userId);
            Map<String, String> checkedMetadata = Checks.metadata(metadata);
            String key = Checks.optionalId("idempotencyKey", idempotencyKey);
            Spend spend = new Spend(account, feature, units, user, checkedMetadata, key,
                    key == null ? new Unkept() : new LinkedHashMap<>());
            if (key == null) {
                return spend;
            }
            spend.fingerprint.put("op", op);
            spend.fingerprint.put("featureKey", spend.featureKey);
            spend.fingerprint.put("quantity", Long.toString(spend.quantity));
            spend.fingerprint.put("userId", spend.userId);
            spend.fingerprint.put("metadata", Codec.metadata(spend.metadata));
            return spend;
        }
    }

    /**
     * The fingerprint of a spend without idempotency key, which nothing reads: what is put in it is dropped rather
     * than encoded.
     */
    private static final class Unkept extends AbstractMap<String, String> {
        @Override
        public String put(String key, String value) {
            return null;
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return Set.of();
        }
    }

    public DeductionResult deduct(DeductRequest request) {
        return uow.dueHolds().spendAfterDueHolds(() -> deductOnce(request), DeductionResult::capExceeded);
    }

    private DeductionResult deductOnce(DeductRequest request) {
        Checks.required("request", request);
        Spend spend = Spend.of("deduct", request.accountId(), request.featureKey(), request.quantity(),
                request.userId(), request.metadata(), request.idempotencyKey());
        String accountId = spend.accountId();
        String featureKey = spend.featureKey();
        long quantity = spend.quantity();
        String userId = spend.userId();
        Map<String, String> metadata = spend.metadata();
        String key = spend.key();
        Map<String, String> fingerprint = spend.fingerprint();
        String retryOf = Checks.optionalId("retryOf", request.retryOf());
        fingerprint.put("retryOf", retryOf);

        return uow.mutate(accountId, featureKey, key, session -> {
            Optional<DeductionResult> replay = UnitOfWork.replay(session, key, fingerprint, Spending::decodeDeduction);
            if (replay.isPresent()) {
                return replay.get();
            }
            Optional<FeaturePricing> feature = session.feature();
            Price price = Price.of(session, feature);
            long unitPrice = price.unitPrice();
            Retry retry = Retry.of(session, feature, retryOf, featureKey, quantity);
            String original = retry.original();
            int retryNumber = retry.number();
            if (retry.free()) {
                unitPrice = 0;
            }
            long required = Checks.cost(unitPrice, quantity);
            session.settle();
            String type = feature.map(FeaturePricing::creditType).orElse(CreditLedger.DEFAULT_CREDIT_TYPE);
            long available = session.spendable(type);
            RejectionReason reason = rejection(session, feature, required);
            CapExceeded cap = reason == null ? Caps.check(session, type, required, userId, metadata) : null;
            if (reason != null || cap != null) {
                // A rejection changes nothing, not even the expiry sweep: it is a read.
                return new DeductionResult(false, cap != null ? RejectionReason.CAP_EXCEEDED : reason, accountId,
                        featureKey, null, quantity, unitPrice, 0, available, required, available,
                        session.account().sequence(), price.planId(), retryNumber, false, cap);
            }
            String transactionId = AccountSession.newId();
            Caps.count(session, type, required, userId, metadata);
            List<Portion> portions = session.take(type, required, false, transactionId);
            session.addEntry(EntryDraft.of(transactionId, EntryType.DEDUCTION, type, -required)
                    .withFeature(featureKey, quantity, unitPrice).withPricePlan(price.planId())
                    .withRetryNumber(retryNumber).withUserId(userId).withReference(original)
                    .withIdempotencyKey(key).withMetadata(metadata));
            session.addAllocations(transactionId, portions, -1);
            long sequence = session.sequenceAfterWrite();
            DeductionResult result = new DeductionResult(true, null, accountId, featureKey, transactionId, quantity,
                    unitPrice, required, session.spendable(type), required, available, sequence, price.planId(),
                    retryNumber, false);
            if (key != null) {
                session.recordIdempotency(key, Codec.encode(fingerprint), encodeDeduction(result));
            }
            session.write();
            return result;
        });
    }

    /** @return the stored result of a deduction: its fields URL-encoded by key, as {@code Codec.encode} writes a map */
    static String encodeDeduction(DeductionResult r) {
        // Every deduction with a key stores one: the fields appended in the order of their keys, without a map.
        StringBuilder out = new StringBuilder(320);
        Codec.appendField(out, "accountId", r.accountId());
        Codec.appendField(out, "available", Long.toString(r.available()));
        Codec.appendField(out, "creditsDeducted", Long.toString(r.creditsDeducted()));
        Codec.appendField(out, "featureKey", r.featureKey());
        Codec.appendField(out, "pricePlanId", r.pricePlanId());
        Codec.appendField(out, "quantity", Long.toString(r.quantity()));
        Codec.appendField(out, "remainingCredits", Long.toString(r.remainingCredits()));
        Codec.appendField(out, "required", Long.toString(r.required()));
        Codec.appendField(out, "retryNumber", Integer.toString(r.retryNumber()));
        Codec.appendField(out, "sequence", Long.toString(r.sequence()));
        Codec.appendField(out, "transactionId", r.transactionId());
        Codec.appendField(out, "unitPrice", Long.toString(r.unitPrice()));
        return out.toString();
    }


    /**
     * How a spend that retries a deduction is charged: the original it counts against, its retry number, and whether
     * it is free. Decided under the account's lock, so simultaneous retries never share a free slot.
     */
    record Retry(String original, int number, boolean free) {
        static final Retry NONE = new Retry(null, 0, false);

        /**
         * A retry takes the first free slot of the feature's free retries unless the original was refunded in full
         * (it failed and was rolled back: nothing to retry for free, so the spend is charged as an original, with
         * retry number 0). A slot is taken by a retry deduction not refunded in full, and by a retry's hold still
         * open; a released hold or a refunded retry gives its slot back.
         *
         * @throws InvalidArgumentException unless {@code retryOf} names a deduction of this account for the same
         *                                  feature, with at least as many units as the retry
         */
        static Retry of(AccountSession session, Optional<FeaturePricing> feature, String retryOf, String featureKey,
                        long quantity) {
            if (retryOf == null || feature.isEmpty()) {
                return NONE;
            }
            LedgerEntry named = session.tx().findEntry(retryOf).orElse(null);
            if (named == null || named.type() != EntryType.DEDUCTION || !featureKey.equals(named.featureKey())) {
                throw new InvalidArgumentException("retryOf", "'" + retryOf + "' is no deduction of '" + featureKey
                        + "' on account '" + session.accountId() + "'");
            }
            // A retry redoes the original: more units than it had would make a free retry a free larger job.
            if (quantity > named.quantity()) {
                throw new InvalidArgumentException("quantity", "a retry of '" + retryOf + "' may use at most its "
                        + named.quantity() + " units, not " + quantity);
            }
            // Retries of retries count against the first deduction.
            LedgerEntry original = named;
            if (named.retryNumber() > 0 && named.referenceId() != null) {
                original = session.tx().findEntry(named.referenceId()).orElse(named);
            }
            List<LedgerEntry> referencing = session.tx().findEntriesReferencing(original.transactionId());
            if (rolledBack(original, referencing)) {
                return NONE;
            }
            int used = 0;
            for (LedgerEntry entry : referencing) {
                if (entry.type() == EntryType.DEDUCTION && entry.retryNumber() > 0
                        && !rolledBack(entry, session.tx().findEntriesReferencing(entry.transactionId()))) {
                    used++;
                }
            }
            Instant now = session.now();
            for (Hold hold : session.tx().findOpenHolds()) {
                if (original.transactionId().equals(hold.retryOf()) && !hold.isDueAt(now)) {
                    used++;
                }
            }
            int number = used + 1;
            return new Retry(original.transactionId(), number, number <= feature.get().freeRetries());
        }

        /** @return whether the deduction was refunded in full (a 0-credit one: refunded at all) */
        private static boolean rolledBack(LedgerEntry deduction, List<LedgerEntry> referencing) {
            long refunded = 0;
            boolean any = false;
            for (LedgerEntry entry : referencing) {
                if (entry.type() == EntryType.REFUND) {
                    refunded += entry.amount();
                    any = true;
                }
            }
            return any && refunded >= -deduction.amount();
        }
    }

    private static DeductionResult decodeDeduction(Map<String, String> f) {
        return new DeductionResult(true, null, f.get("accountId"), f.get("featureKey"), f.get("transactionId"),
                Long.parseLong(f.get("quantity")), Long.parseLong(f.get("unitPrice")),
                Long.parseLong(f.get("creditsDeducted")), Long.parseLong(f.get("remainingCredits")),
                Long.parseLong(f.get("required")), Long.parseLong(f.get("available")),
                Long.parseLong(f.get("sequence")), f.get("pricePlanId"),
                Integer.parseInt(f.getOrDefault("retryNumber", "0")), true);
    }
}
