package dev.credits.internal;

import dev.credits.Account;
import dev.credits.AccountSettings;
import dev.credits.AccountStatus;
import dev.credits.Allocation;
import dev.credits.Balance;
import dev.credits.BurnDownOrder;
import dev.credits.CheckResult;
import dev.credits.CommitResult;
import dev.credits.CreditLedger;
import dev.credits.CreditsException;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.DuplicateFeatureException;
import dev.credits.EntryType;
import dev.credits.ExpiryReport;
import dev.credits.FeatureDefinition;
import dev.credits.FeaturePricing;
import dev.credits.GrantRequest;
import dev.credits.GrantResult;
import dev.credits.HistoryFilter;
import dev.credits.HistoryPage;
import dev.credits.Hold;
import dev.credits.HoldStateException;
import dev.credits.HoldStatus;
import dev.credits.IdempotencyConflictException;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.PurchasePolicy;
import dev.credits.PageRequest;
import dev.credits.Receipt;
import dev.credits.RefundLimitException;
import dev.credits.RefundRequest;
import dev.credits.RefundResult;
import dev.credits.RejectionReason;
import dev.credits.ReleaseResult;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import dev.credits.StoreUnavailableException;
import dev.credits.UnknownAccountException;
import dev.credits.UnknownFeatureException;
import dev.credits.UnknownHoldException;
import dev.credits.UnknownTransactionException;
import dev.credits.internal.AccountSession.Portion;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.CreditStore;
import dev.credits.spi.EntryQuery;
import dev.credits.spi.IdempotencyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Every rule of the ledger. {@link CreditLedger} is its public face; a {@link CreditStore} only persists and
 * locks. Stateless apart from its configuration, hence thread-safe.
 */
public final class LedgerEngine {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerEngine.class);
    private static final int EXPIRY_BATCH = 100;

    private final CreditStore store;
    private final Clock clock;
    private final BurnDownOrder order;
    private final Duration defaultHoldTimeout;
    private final Duration maxHoldTimeout;
    private final Duration expiredLotRefundValidity;
    private final Commerce commerce;
    private final Plans plans;

    public LedgerEngine(CreditStore store, Clock clock, BurnDownOrder order, Duration defaultHoldTimeout,
                        Duration maxHoldTimeout, Duration expiredLotRefundValidity, PurchasePolicy purchasePolicy) {
        this.store = store;
        this.clock = clock;
        this.order = order;
        this.defaultHoldTimeout = defaultHoldTimeout;
        this.maxHoldTimeout = maxHoldTimeout;
        this.expiredLotRefundValidity = expiredLotRefundValidity;
        this.commerce = new Commerce(this, store, purchasePolicy);
        this.plans = new Plans(this, store);
    }

    /** @return the rules of packages, promotions and purchases */
    public Commerce commerce() {
        return commerce;
    }

    /** @return the rules of plans and allowance periods */
    public Plans plans() {
        return plans;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Now, to the millisecond: every store keeps instants exactly at that precision, so what a result shows
     * and what a later read returns are equal.
     *
     * @throws InvalidArgumentException if the clock reads outside the storable range
     */
    Instant now() {
        return Checks.instant("clock", clock.instant());
    }

    // ================================================================ accounts

    public Account openAccount(String accountId, AccountSettings settings) {
        Checks.id("accountId", accountId);
        checkSettings(settings);
        Instant now = now();
        return store.insertAccountIfAbsent(Account.open(accountId, settings, now));
    }

    public Optional<Account> getAccount(String accountId) {
        return store.findAccount(Checks.id("accountId", accountId));
    }

    public Account updateAccountSettings(String accountId, AccountSettings settings) {
        Checks.id("accountId", accountId);
        checkSettings(settings);
        return mutate(accountId, session -> {
            Account current = session.account();
            if (current.settings().equals(settings)) {
                return current;
            }
            session.settle();
            for (String type : session.creditTypes()) {
                long inUse = -session.available(type);
                if (inUse > settings.overdraftLimit()) {
                    // Invariant 2 holds for the limit as it stands: never below what is already spent on credit.
                    throw new InvalidArgumentException("overdraftLimit", settings.overdraftLimit()
                            + " is below the " + inUse + " " + type + " already used on overdraft; grant first");
                }
            }
            return changeAccount(session, current.withSettings(settings, session.now()));
        });
    }

    public Account setStatus(String accountId, AccountStatus status) {
        Checks.id("accountId", accountId);
        return mutate(accountId, session -> {
            Account current = session.account();
            if (current.status() == status) {
                return current;
            }
            return changeAccount(session, current.withStatus(status, session.now()));
        });
    }

    static Account changeAccount(AccountSession session, Account changed) {
        session.changeAccount(changed);
        return changed.withSequence(session.write());
    }

    private static void checkSettings(AccountSettings settings) {
        Checks.required("settings", settings);
        Checks.notNegative("overdraftLimit", settings.overdraftLimit());
        Checks.notNegative("lowBalanceThreshold", settings.lowBalanceThreshold());
        Checks.notNegative("maxOpenHolds", settings.maxOpenHolds());
    }

    // ================================================================ price list

    public FeaturePricing createFeature(FeatureDefinition definition) {
        FeaturePricing feature = toPricing(definition, null);
        if (!store.insertFeature(feature)) {
            throw new DuplicateFeatureException(feature.featureKey());
        }
        return feature;
    }

    public FeaturePricing updateFeature(FeatureDefinition definition) {
        checkDefinition(definition);
        FeaturePricing existing = store.findFeature(definition.featureKey())
                .orElseThrow(() -> new UnknownFeatureException(definition.featureKey()));
        FeaturePricing feature = toPricing(definition, existing.createdAt());
        if (!store.updateFeature(feature)) {
            throw new UnknownFeatureException(definition.featureKey());
        }
        return feature;
    }

    public FeaturePricing saveFeature(FeatureDefinition definition) {
        checkDefinition(definition);
        for (int attempt = 0; ; attempt++) {
            Optional<FeaturePricing> existing = store.findFeature(definition.featureKey());
            FeaturePricing feature = toPricing(definition, existing.map(FeaturePricing::createdAt).orElse(null));
            if (existing.isPresent() ? store.updateFeature(feature) : store.insertFeature(feature)) {
                return feature;
            }
            if (attempt == 3) {
                throw new IllegalStateException("feature '" + definition.featureKey() + "' keeps changing");
            }
        }
    }

    public FeaturePricing deactivateFeature(String featureKey) {
        Checks.featureKey(featureKey);
        FeaturePricing existing = store.findFeature(featureKey)
                .orElseThrow(() -> new UnknownFeatureException(featureKey));
        FeaturePricing feature = new FeaturePricing(featureKey, existing.featureName(), existing.category(),
                existing.creditsPerUnit(), existing.planPrices(), existing.freeRetries(), existing.creditType(),
                existing.description(), false, existing.createdAt(), now());
        if (!store.updateFeature(feature)) {
            throw new UnknownFeatureException(featureKey);
        }
        return feature;
    }

    public boolean deleteFeature(String featureKey) {
        return store.deleteFeature(Checks.featureKey(featureKey));
    }

    public Optional<FeaturePricing> getFeature(String featureKey) {
        return store.findFeature(Checks.featureKey(featureKey));
    }

    public List<FeaturePricing> listFeatures(String category) {
        return store.listFeatures(category == null ? null : Checks.requiredText("category", category));
    }

    private FeaturePricing toPricing(FeatureDefinition definition, Instant createdAt) {
        checkDefinition(definition);
        Instant now = now();
        return new FeaturePricing(definition.featureKey(), definition.featureName(), definition.category(),
                definition.creditsPerUnit(), definition.planPrices(), definition.freeRetries(),
                definition.creditType(), definition.description(), definition.active(),
                createdAt == null ? now : createdAt, now);
    }

    private static void checkDefinition(FeatureDefinition definition) {
        Checks.required("definition", definition);
        Checks.featureKey(definition.featureKey());
        Checks.requiredText("featureName", definition.featureName());
        if (definition.category() != null) {
            Checks.requiredText("category", definition.category());
        }
        Checks.notNegative("creditsPerUnit", definition.creditsPerUnit());
        for (Map.Entry<String, Long> price : definition.planPrices().entrySet()) {
            Checks.id("planPrices key", price.getKey());
            Checks.required("planPrices[" + price.getKey() + "]", price.getValue());
            Checks.notNegative("planPrices[" + price.getKey() + "]", price.getValue());
        }
        Checks.notNegative("freeRetries", definition.freeRetries());
        Checks.creditType(definition.creditType());
        Checks.text("description", definition.description());
    }

    // ================================================================ grants

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

        return mutate(accountId, null, key, session -> {
            Optional<GrantResult> replay = replay(session, key, fingerprint, stored -> new GrantResult(
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
                    metadata);
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
        return read(accountId, featureKey, session -> {
            Optional<FeaturePricing> feature = session.feature();
            long unitPrice = Price.of(session, feature).unitPrice();
            long required = Checks.cost(unitPrice, quantity);
            long available = feature.map(f -> session.available(f.creditType()))
                    .orElse(session.available(CreditLedger.DEFAULT_CREDIT_TYPE));
            RejectionReason reason = rejection(session, feature, required);
            return new CheckResult(reason == null, reason, accountId, featureKey, quantity, unitPrice, required,
                    available, session.account().sequence());
        });
    }

    /** @return why the account cannot spend {@code required} on the feature now, or null if it can */
    private static RejectionReason rejection(AccountSession session, Optional<FeaturePricing> feature,
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
        if (required > 0
                && session.available(feature.get().creditType()) - required < -session.account().overdraftLimit()) {
            return RejectionReason.INSUFFICIENT_CREDITS;
        }
        return null;
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
    private record Spend(String accountId, String featureKey, long quantity, String userId,
                         Map<String, String> metadata, String key, Map<String, String> fingerprint) {

        static Spend of(String op, String accountId, String featureKey, long quantity, String userId,
                        Map<String, String> metadata, String idempotencyKey) {
            Spend spend = new Spend(Checks.id("accountId", accountId), Checks.featureKey(featureKey),
                    Checks.positive("quantity", quantity), Checks.optionalId("userId", userId),
                    Checks.metadata(metadata), Checks.optionalId("idempotencyKey", idempotencyKey),
                    new LinkedHashMap<>());
            spend.fingerprint.put("op", op);
            spend.fingerprint.put("featureKey", spend.featureKey);
            spend.fingerprint.put("quantity", Long.toString(spend.quantity));
            spend.fingerprint.put("userId", spend.userId);
            spend.fingerprint.put("metadata", Codec.metadata(spend.metadata));
            return spend;
        }
    }

    public DeductionResult deduct(DeductRequest request) {
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

        return mutate(accountId, featureKey, key, session -> {
            Optional<DeductionResult> replay = replay(session, key, fingerprint, LedgerEngine::decodeDeduction);
            if (replay.isPresent()) {
                return replay.get();
            }
            Optional<FeaturePricing> feature = session.feature();
            Price price = Price.of(session, feature);
            long unitPrice = price.unitPrice();
            String original = null;
            int retryNumber = 0;
            if (retryOf != null && feature.isPresent()) {
                original = originalOf(session, retryOf, featureKey, quantity);
                retryNumber = retriesOf(session, original) + 1;
                if (retryNumber <= feature.get().freeRetries()) {
                    unitPrice = 0;
                }
            }
            long required = Checks.cost(unitPrice, quantity);
            session.settle();
            String type = feature.map(FeaturePricing::creditType).orElse(CreditLedger.DEFAULT_CREDIT_TYPE);
            long available = session.available(type);
            RejectionReason reason = rejection(session, feature, required);
            if (reason != null) {
                // A rejection changes nothing, not even the expiry sweep: it is a read.
                return new DeductionResult(false, reason, accountId, featureKey, null, quantity, unitPrice, 0,
                        available, required, available, session.account().sequence(), price.planId(), retryNumber,
                        false);
            }
            String transactionId = AccountSession.newId();
            List<Portion> portions = session.take(type, required, false, transactionId);
            session.addEntry(transactionId, EntryType.DEDUCTION, type, -required, featureKey, quantity, unitPrice,
                    price.planId(), retryNumber, userId, null, original, null, key, metadata);
            session.addAllocations(transactionId, portions, -1);
            long sequence = session.sequenceAfterWrite();
            DeductionResult result = new DeductionResult(true, null, accountId, featureKey, transactionId, quantity,
                    unitPrice, required, session.available(type), required, available, sequence, price.planId(),
                    retryNumber, false);
            if (key != null) {
                session.recordIdempotency(key, Codec.encode(fingerprint), encodeDeduction(result));
            }
            session.write();
            return result;
        });
    }

    private static String encodeDeduction(DeductionResult r) {
        Map<String, String> fields = new HashMap<>();
        fields.put("featureKey", r.featureKey());
        fields.put("transactionId", r.transactionId());
        fields.put("quantity", Long.toString(r.quantity()));
        fields.put("unitPrice", Long.toString(r.unitPrice()));
        fields.put("creditsDeducted", Long.toString(r.creditsDeducted()));
        fields.put("remainingCredits", Long.toString(r.remainingCredits()));
        fields.put("required", Long.toString(r.required()));
        fields.put("available", Long.toString(r.available()));
        fields.put("sequence", Long.toString(r.sequence()));
        fields.put("accountId", r.accountId());
        fields.put("pricePlanId", r.pricePlanId());
        fields.put("retryNumber", Integer.toString(r.retryNumber()));
        return Codec.encode(fields);
    }

    /**
     * @return the original deduction a retry of {@code retryOf} counts against: {@code retryOf} itself, or its
     *         original when it is a retry too (retries of retries count against the first deduction)
     * @throws InvalidArgumentException unless it names a deduction of this account for the same feature, with
     *                                  at least as many units as the retry
     */
    private static String originalOf(AccountSession session, String retryOf, String featureKey, long quantity) {
        LedgerEntry entry = session.tx().findEntry(retryOf).orElse(null);
        if (entry == null || entry.type() != EntryType.DEDUCTION || !featureKey.equals(entry.featureKey())) {
            throw new InvalidArgumentException("retryOf", "'" + retryOf + "' is no deduction of '" + featureKey
                    + "' on account '" + session.accountId() + "'");
        }
        // A retry redoes the original: more units than it had would make a free retry a free larger job.
        if (quantity > entry.quantity()) {
            throw new InvalidArgumentException("quantity", "a retry of '" + retryOf + "' may use at most its "
                    + entry.quantity() + " units, not " + quantity);
        }
        return entry.retryNumber() > 0 && entry.referenceId() != null ? entry.referenceId() : retryOf;
    }

    /** @return how many deductions retried the original so far (counted under the account's lock) */
    private static int retriesOf(AccountSession session, String original) {
        int retries = 0;
        for (LedgerEntry entry : session.tx().findEntriesReferencing(original)) {
            if (entry.type() == EntryType.DEDUCTION && entry.retryNumber() > 0) {
                retries++;
            }
        }
        return retries;
    }

    private static DeductionResult decodeDeduction(Map<String, String> f) {
        return new DeductionResult(true, null, f.get("accountId"), f.get("featureKey"), f.get("transactionId"),
                Long.parseLong(f.get("quantity")), Long.parseLong(f.get("unitPrice")),
                Long.parseLong(f.get("creditsDeducted")), Long.parseLong(f.get("remainingCredits")),
                Long.parseLong(f.get("required")), Long.parseLong(f.get("available")),
                Long.parseLong(f.get("sequence")), f.get("pricePlanId"),
                Integer.parseInt(f.getOrDefault("retryNumber", "0")), true);
    }

    public RefundResult refund(RefundRequest request) {
        Checks.required("request", request);
        String transactionId = Checks.id("transactionId", request.transactionId());
        Checks.notNegative("credits", request.credits());
        Checks.text("reason", request.reason());
        String key = Checks.optionalId("idempotencyKey", request.idempotencyKey());
        String accountId = store.findAccountOfTransaction(transactionId)
                .orElseThrow(() -> new UnknownTransactionException(transactionId));
        Map<String, String> fingerprint = new LinkedHashMap<>();
        fingerprint.put("op", "refund");
        fingerprint.put("transactionId", transactionId);
        fingerprint.put("credits", Long.toString(request.credits()));
        fingerprint.put("reason", request.reason());

        return mutate(accountId, null, key, session -> {
            Optional<RefundResult> replay = replay(session, key, fingerprint, f -> new RefundResult(
                    f.get("transactionId"), transactionId, accountId, Long.parseLong(f.get("creditsRefunded")),
                    Long.parseLong(f.get("totalRefunded")), Long.parseLong(f.get("remainingCredits")),
                    Long.parseLong(f.get("sequence")), true));
            if (replay.isPresent()) {
                return replay.get();
            }
            AccountTransaction tx = session.tx();
            LedgerEntry original = tx.findEntry(transactionId)
                    .filter(entry -> entry.type() == EntryType.DEDUCTION)
                    .orElseThrow(() -> new UnknownTransactionException(transactionId,
                            "transaction '" + transactionId + "' is not a deduction"));
            long charged = -original.amount();
            long refundedBefore = 0;
            for (LedgerEntry refund : tx.findEntriesReferencing(transactionId)) {
                if (refund.type() == EntryType.REFUND) {
                    refundedBefore += refund.amount();
                }
            }
            long refundable = charged - refundedBefore;
            long credits = request.credits() == 0 ? refundable : request.credits();
            if (credits <= 0 || credits > refundable) {
                throw new RefundLimitException(transactionId, credits, refundable);
            }
            session.settle();
            String refundId = AccountSession.newId();
            String type = original.creditType();
            List<Allocation> back = new ArrayList<>(unwind(tx.findAllocations(transactionId), refundedBefore, credits));
            int position = 0;
            for (Allocation portion : back) {
                position = giveBack(session, refundId, position, portion.lotId(), portion.amount());
            }
            session.addBalance(type, credits, 0);
            session.addEntry(refundId, EntryType.REFUND, type, credits, original.featureKey(), 0, 0,
                    original.userId(), null, transactionId, request.reason(), key, Map.of());
            session.expireLots();
            RefundResult result = new RefundResult(refundId, transactionId, accountId, credits,
                    refundedBefore + credits, session.available(type), session.sequenceAfterWrite(), false);
            if (key != null) {
                session.recordIdempotency(key, Codec.encode(fingerprint), Codec.encode(Map.of(
                        "transactionId", refundId, "creditsRefunded", Long.toString(credits),
                        "totalRefunded", Long.toString(result.totalRefunded()),
                        "remainingCredits", Long.toString(result.remainingCredits()),
                        "sequence", Long.toString(result.sequence()))));
            }
            session.write();
            return result;
        });
    }

    /**
     * The lots a refund goes back to: the receipt unwound last line first, skipping what earlier refunds
     * took back (they unwound the same way), then {@code credits} more.
     */
    private static List<Allocation> unwind(List<Allocation> receipt, long alreadyRefunded, long credits) {
        List<Allocation> reversed = new ArrayList<>(receipt);
        Collections.reverse(reversed);
        List<Allocation> back = new ArrayList<>();
        long skip = alreadyRefunded;
        long left = credits;
        for (Allocation line : reversed) {
            long taken = -line.amount();
            long skipped = Math.min(skip, taken);
            skip -= skipped;
            long part = Math.min(left, taken - skipped);
            if (part > 0) {
                back.add(new Allocation(line.ownerId(), line.position(), line.lotId(), part));
                left -= part;
            }
        }
        return back;
    }

    /**
     * Returns credits to the lot they came from. Credits of an expired lot, and credits of an overdraft lot
     * beyond its remaining debt (the debt was paid by a later grant), pay any current debt first and the
     * rest comes back on a new refund lot valid for {@code expiredLotRefundValidity}.
     */
    private int giveBack(AccountSession session, String refundId, int position, String lotId, long credits) {
        Lot lot = session.lot(lotId);
        long toLot = credits;
        if (lot.source() == LotSource.OVERDRAFT) {
            toLot = Math.min(credits, Math.max(0, -lot.remaining()));
        } else if (lot.isExpiredAt(session.now())) {
            toLot = 0;
        }
        if (toLot > 0) {
            session.putLot(lot.withAmounts(lot.remaining() + toLot, lot.held()));
            session.addAllocation(new Allocation(refundId, position++, lot.lotId(), toLot));
        }
        long rest = credits - toLot;
        Lot debt = session.debtLot(lot.creditType());
        if (rest > 0 && debt != null) {
            long paid = Math.min(rest, -debt.remaining());
            session.putLot(debt.withAmounts(debt.remaining() + paid, debt.held()));
            session.addAllocation(new Allocation(refundId, position++, debt.lotId(), paid));
            rest -= paid;
        }
        if (rest > 0) {
            int priority = lot.source() == LotSource.OVERDRAFT ? GrantRequest.DEFAULT_PRIORITY : lot.priority();
            Lot refundLot = new Lot(AccountSession.newId(), session.accountId(), lot.creditType(), LotSource.REFUND,
                    priority, rest, rest, 0,
                    Checks.plus("expiredLotRefundValidity", session.now(), expiredLotRefundValidity), null,
                    Map.of("refundOfLot", lot.lotId()), session.now(), refundId);
            session.insertLot(refundLot);
            session.addAllocation(new Allocation(refundId, position++, refundLot.lotId(), rest));
        }
        return position;
    }

    // ================================================================ holds

    public ReservationResult reserve(ReserveRequest request) {
        Checks.required("request", request);
        Spend spend = Spend.of("reserve", request.accountId(), request.featureKey(), request.quantity(),
                request.userId(), request.metadata(), request.idempotencyKey());
        Duration timeout = request.timeout() == null ? defaultHoldTimeout : request.timeout();
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(maxHoldTimeout) > 0) {
            throw new InvalidArgumentException("timeout", "must be positive and at most " + maxHoldTimeout);
        }
        String accountId = spend.accountId();
        String featureKey = spend.featureKey();
        long quantity = spend.quantity();
        String userId = spend.userId();
        Map<String, String> metadata = spend.metadata();
        String key = spend.key();
        Map<String, String> fingerprint = spend.fingerprint();
        fingerprint.put("timeout", timeout.toString());

        return mutate(accountId, featureKey, key, session -> {
            Optional<ReservationResult> replay = replay(session, key, fingerprint, f -> new ReservationResult(true,
                    null, Snapshots.decodeHold(f), Long.parseLong(f.get("required")),
                    Long.parseLong(f.get("available")), Long.parseLong(f.get("sequence")), true));
            if (replay.isPresent()) {
                return replay.get();
            }
            Optional<FeaturePricing> feature = session.feature();
            Price price = Price.of(session, feature);
            long unitPrice = price.unitPrice();
            long required = Checks.cost(unitPrice, quantity);
            session.settle();
            String type = feature.map(FeaturePricing::creditType).orElse(CreditLedger.DEFAULT_CREDIT_TYPE);
            RejectionReason reason = rejection(session, feature, required);
            long maxOpenHolds = session.account().maxOpenHolds();
            if (reason == null && maxOpenHolds > 0 && openHolds(session) >= maxOpenHolds) {
                reason = RejectionReason.TOO_MANY_OPEN_HOLDS;
            }
            if (reason != null) {
                return new ReservationResult(false, reason, null, required, session.available(type),
                        session.account().sequence(), false);
            }
            String holdId = AccountSession.newId();
            List<Portion> portions = session.take(type, required, true, holdId);
            Instant now = session.now();
            Hold hold = new Hold(holdId, accountId, type, featureKey, quantity, unitPrice, price.planId(), required,
                    HoldStatus.OPEN,
                    userId, key, metadata, now, Checks.plus("timeout", now, timeout), null, 0, null);
            session.insertHold(hold, portions);
            ReservationResult result = new ReservationResult(true, null, hold, required, session.available(type),
                    session.sequenceAfterWrite(), false);
            if (key != null) {
                Map<String, String> stored = Snapshots.encodeHold(hold);
                stored.put("required", Long.toString(required));
                stored.put("available", Long.toString(result.available()));
                stored.put("sequence", Long.toString(result.sequence()));
                session.recordIdempotency(key, Codec.encode(fingerprint), Codec.encode(stored));
            }
            session.write();
            return result;
        });
    }

    /** @return the account's open holds not past their deadline (settle() released those) */
    private static long openHolds(AccountSession session) {
        Instant now = session.now();
        return session.tx().findOpenHolds().stream()
                .filter(hold -> !hold.isDueAt(now) && !AccountSession.isFreeze(hold)).count();
    }

    public CommitResult commitQuantity(String holdId, long quantity) {
        Checks.id("holdId", holdId);
        Checks.positive("quantity", quantity);
        return commit(holdId, hold -> {
            if (quantity > hold.quantity()) {
                throw new InvalidArgumentException("quantity",
                        quantity + " exceeds the " + hold.quantity() + " units held");
            }
            return new Charge(Checks.cost(hold.unitPrice(), quantity), quantity);
        });
    }

    /** @param credits what to charge, or -1 for everything held */
    public CommitResult commit(String holdId, long credits) {
        Checks.id("holdId", holdId);
        return commit(holdId, hold -> {
            if (credits > hold.amount()) {
                throw new InvalidArgumentException("credits", credits + " exceeds the " + hold.amount() + " held");
            }
            if (credits < 0 || credits == hold.amount()) {
                return new Charge(hold.amount(), hold.quantity());
            }
            // The entry keeps quantity x unit price = amount: an amount that is no whole number of units
            // is recorded with quantity 0.
            boolean wholeUnits = hold.unitPrice() > 0 && credits % hold.unitPrice() == 0;
            return new Charge(credits, wholeUnits ? credits / hold.unitPrice() : 0);
        });
    }

    /** What a commit charges: credits, and the units they stand for (recorded on the entry). */
    private record Charge(long credits, long quantity) {
    }

    private CommitResult commit(String holdId, Function<Hold, Charge> chargeOf) {
        String accountId = store.findAccountOfHold(holdId).orElseThrow(() -> new UnknownHoldException(holdId));
        return mutate(accountId, session -> {
            Hold stored = session.tx().findHold(holdId).orElseThrow(() -> new UnknownHoldException(holdId));
            Hold hold = effective(stored, session.now());
            if (AccountSession.isFreeze(hold)) {
                throw new HoldStateException(holdId, hold.status(), "it freezes a disputed purchase; resolveDispute ends it");
            }
            Charge charge = chargeOf.apply(hold);
            long credits = charge.credits();
            if (hold.status() == HoldStatus.COMMITTED) {
                if (hold.committedCredits() != credits) {
                    throw new HoldStateException(holdId, hold.status(), "it was committed with "
                            + hold.committedCredits() + " credits, not " + credits);
                }
                return new CommitResult(hold, hold.transactionId(), hold.committedCredits(),
                        hold.amount() - hold.committedCredits(), session.available(hold.creditType()),
                        session.account().sequence());
            }
            if (hold.status() != HoldStatus.OPEN) {
                throw new HoldStateException(holdId, hold.status(), "only an open hold can be committed");
            }
            session.settle();
            String type = hold.creditType();
            String transactionId = AccountSession.newId();
            long left = credits;
            long onOverdraft = 0;
            List<Portion> charged = new ArrayList<>();
            for (Allocation reserved : session.tx().findAllocations(holdId)) {
                Lot lot = session.lot(reserved.lotId());
                long part = Math.min(left, reserved.amount());
                left -= part;
                if (lot.source() == LotSource.OVERDRAFT) {
                    // Charged below, from whatever is available now: credits granted since the reservation
                    // pay for it before any debt is booked.
                    onOverdraft += part;
                    part = 0;
                }
                session.putLot(lot.withAmounts(lot.remaining() - part, lot.held() - reserved.amount()));
                if (part > 0) {
                    charged.add(new Portion(lot.lotId(), part));
                }
            }
            session.addBalance(type, -(credits - onOverdraft), -hold.amount());
            if (onOverdraft > 0) {
                charged.addAll(session.take(type, onOverdraft, false, transactionId));
            }
            session.addAllocations(transactionId, Portion.merged(charged), -1);
            // Always an entry, even of 0 credits (a free feature): every commit is a traceable deduction.
            session.addEntry(transactionId, EntryType.DEDUCTION, type, -credits, hold.featureKey(),
                    charge.quantity(), hold.unitPrice(), hold.pricePlanId(), 0, hold.userId(), holdId, null, null,
                    null, hold.metadata());
            Hold committed = hold.resolved(HoldStatus.COMMITTED, session.now(), credits, transactionId);
            session.updateHold(committed);
            session.expireLots();
            long sequence = session.write();
            return new CommitResult(committed, transactionId, credits, hold.amount() - credits,
                    session.available(type), sequence);
        });
    }

    public ReleaseResult release(String holdId) {
        Checks.id("holdId", holdId);
        String accountId = store.findAccountOfHold(holdId).orElseThrow(() -> new UnknownHoldException(holdId));
        return mutate(accountId, session -> {
            Hold stored = session.tx().findHold(holdId).orElseThrow(() -> new UnknownHoldException(holdId));
            if (AccountSession.isFreeze(stored)) {
                throw new HoldStateException(holdId, stored.status(), "it freezes a disputed purchase; resolveDispute ends it");
            }
            String type = stored.creditType();
            if (stored.status() == HoldStatus.COMMITTED) {
                throw new HoldStateException(holdId, stored.status(), "a committed hold cannot be released");
            }
            if (stored.status().isTerminal()) {
                return new ReleaseResult(stored, stored.amount(), session.available(type),
                        session.account().sequence());
            }
            // settle() releases this hold as EXPIRED if its deadline passed; otherwise release it here.
            session.settle();
            Hold released = stored.isDueAt(session.now()) ? stored.resolved(HoldStatus.EXPIRED, stored.expiresAt(), 0, null)
                    : session.releaseHold(stored, HoldStatus.RELEASED);
            session.expireLots();
            long sequence = session.write();
            return new ReleaseResult(released, stored.amount(), session.available(type), sequence);
        });
    }

    public Optional<Hold> getHold(String holdId) {
        Checks.id("holdId", holdId);
        Optional<String> accountId = store.findAccountOfHold(holdId);
        if (accountId.isEmpty()) {
            return Optional.empty();
        }
        return store.readAccount(accountId.get(), tx -> tx.findHold(holdId).map(hold -> effective(hold, now())));
    }

    /** @return the hold as a reader sees it: an open hold past its deadline is expired */
    private static Hold effective(Hold hold, Instant now) {
        return hold.isDueAt(now) ? hold.resolved(HoldStatus.EXPIRED, hold.expiresAt(), 0, null) : hold;
    }

    // ================================================================ reads

    public Balance balance(String accountId, String creditType) {
        Checks.id("accountId", accountId);
        Checks.creditType(creditType);
        return read(accountId, null, session -> toBalance(session, creditType));
    }

    public Map<String, Balance> balances(String accountId) {
        Checks.id("accountId", accountId);
        return read(accountId, null, session -> {
            Map<String, Balance> result = new LinkedHashMap<>();
            for (String type : session.creditTypes()) {
                result.put(type, toBalance(session, type));
            }
            return result;
        });
    }

    private static Balance toBalance(AccountSession session, String creditType) {
        List<Lot> lots = session.liveLots(creditType);
        Instant nextExpiry = null;
        for (Lot lot : lots) {
            if (lot.expiresAt() != null && lot.remaining() > 0 && !lot.isExpiredAt(session.now())
                    && (nextExpiry == null || lot.expiresAt().isBefore(nextExpiry))) {
                nextExpiry = lot.expiresAt();
            }
        }
        var record = session.balance(creditType);
        return new Balance(session.accountId(), creditType, record.balance(), record.held(),
                record.balance() - record.held(), session.account().overdraftLimit(), nextExpiry, lots,
                session.account().sequence());
    }

    public HistoryPage history(String accountId, HistoryFilter filter, PageRequest page) {
        Checks.id("accountId", accountId);
        PageRequest request = page == null ? PageRequest.first() : page;
        if (request.limit() < 1 || request.limit() > PageRequest.MAX_LIMIT) {
            throw new InvalidArgumentException("limit", "must be 1 to " + PageRequest.MAX_LIMIT + ": "
                    + request.limit());
        }
        // Bounds outside the storable range mean "unbounded"; a filter no stored entry can match reads nothing.
        Optional<HistoryFilter> query = Checks.historyFilter(filter);
        long before = parseCursor(request.cursor());
        if (store.findAccount(accountId).isEmpty()) {
            throw new UnknownAccountException(accountId);
        }
        if (query.isEmpty()) {
            return new HistoryPage(List.of(), null);
        }
        List<LedgerEntry> entries = store.findEntries(accountId,
                new EntryQuery(query.get(), before, request.limit() + 1));
        if (entries.size() <= request.limit()) {
            return new HistoryPage(entries, null);
        }
        List<LedgerEntry> shown = entries.subList(0, request.limit());
        return new HistoryPage(shown, "s" + shown.get(shown.size() - 1).sequence());
    }

    private static long parseCursor(String cursor) {
        if (cursor == null) {
            return Long.MAX_VALUE;
        }
        try {
            if (cursor.startsWith("s")) {
                long sequence = Long.parseLong(cursor.substring(1));
                if (sequence > 0) {
                    return sequence;
                }
            }
        } catch (NumberFormatException malformed) {
            // falls through to the error below
        }
        throw new InvalidArgumentException("cursor", "malformed cursor '" + cursor + "'");
    }

    public Receipt receipt(String transactionId) {
        Checks.id("transactionId", transactionId);
        String accountId = store.findAccountOfTransaction(transactionId)
                .orElseThrow(() -> new UnknownTransactionException(transactionId));
        return store.readAccount(accountId, tx -> new Receipt(
                tx.findEntry(transactionId).orElseThrow(() -> new UnknownTransactionException(transactionId)),
                tx.findAllocations(transactionId)));
    }

    public ExpiryReport expireDue() {
        int accounts = 0;
        int failed = 0;
        long lots = 0;
        long credits = 0;
        long holds = 0;
        Set<String> done = new LinkedHashSet<>();
        while (true) {
            Instant now = now();
            List<String> due = store.findAccountsWithDueItems(now, EXPIRY_BATCH);
            boolean progress = false;
            for (String accountId : due) {
                if (!done.add(accountId + "@" + now)) {
                    continue;
                }
                progress = true;
                long[] counts;
                try {
                    counts = store.inAccount(accountId, tx -> {
                        AccountSession session = new AccountSession(tx, now, order);
                        session.settle();
                        session.write();
                        return new long[]{session.lotsExpired(), session.creditsExpired(), session.holdsExpired()};
                    });
                } catch (UnknownAccountException gone) {
                    continue;
                } catch (StoreUnavailableException down) {
                    throw down;  // the store is down: no other account would fare better
                } catch (CreditsException failure) {
                    // One failing account must not stop the sweep of the others; it is tried again next time.
                    failed++;
                    LOG.warn("expiry sweep of account {} failed", accountId, failure);
                    continue;
                }
                accounts++;
                lots += counts[0];
                credits += counts[1];
                holds += counts[2];
            }
            if (!progress || due.size() < EXPIRY_BATCH) {
                break;
            }
        }
        if (accounts > 0) {
            LOG.debug("expired {} lots ({} credits) and {} holds on {} accounts", lots, credits, holds, accounts);
        }
        return new ExpiryReport(accounts, (int) lots, credits, (int) holds, failed);
    }

    // ================================================================ plumbing

    /** Runs a mutating unit of work on a fresh session; the store may run it more than once. */
    <T> T mutate(String accountId, Function<AccountSession, T> work) {
        return mutate(accountId, null, null, work);
    }

    /** As {@link #mutate(String, Function)}, reading the feature and the key's record with the snapshot. */
    <T> T mutate(String accountId, String featureKey, String idempotencyKey,
                         Function<AccountSession, T> work) {
        return store.inAccount(accountId,
                tx -> work.apply(new AccountSession(tx, now(), order, featureKey, idempotencyKey)));
    }

    /**
     * Runs a read: settles time in memory (expired lots and timed-out holds count as gone) but writes nothing,
     * so reads never change the ledger. Their sequence is the account's last written one.
     */
    <T> T read(String accountId, String featureKey, Function<AccountSession, T> work) {
        return store.readAccount(accountId, tx -> {
            AccountSession session = new AccountSession(tx, now(), order, featureKey, null);
            session.settle();
            return work.apply(session);
        });
    }

    /**
     * @return the stored result when this key was used before with the same request
     * @throws IdempotencyConflictException when it was used with a different one
     */
    static <T> Optional<T> replay(AccountSession session, String key, Map<String, String> fingerprint,
                                          Function<Map<String, String>, T> decoder) {
        if (key == null) {
            return Optional.empty();
        }
        Optional<IdempotencyRecord> stored = session.storedIdempotency();
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        if (!stored.get().fingerprint().equals(Codec.encode(fingerprint))) {
            throw new IdempotencyConflictException(session.accountId(), key);
        }
        return Optional.of(decoder.apply(Codec.decode(stored.get().result())));
    }
}
