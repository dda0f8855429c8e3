package dev.credits.internal;

import dev.credits.ApprovalRule;
import dev.credits.BulkDiscount;
import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.GrantRequest;
import dev.credits.IdempotencyConflictException;
import dev.credits.InvalidArgumentException;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.Promotion;
import dev.credits.Purchase;
import dev.credits.PurchasePolicy;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.PurchaseStateException;
import dev.credits.PurchaseStatus;
import dev.credits.Quote;
import dev.credits.QuoteLine;
import dev.credits.RejectionReason;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.CreditStore;
import dev.credits.spi.PromotionExhaustedException;
import dev.credits.spi.PromotionUse;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rules of buying credits: quotes (list price, bulk discount, promotion, bonus), the purchase policy, promotion
 * limits, and a purchase's life (pending, completed, failed). Stateless apart from its collaborators; thread-safe.
 */
public final class PurchaseRules {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final UnitOfWork uow;
    private final CreditStore store;
    private final PurchasePolicy policy;
    /** Which purchases wait for an approval per organization, besides the policy's ledger-wide threshold. */
    private final ApprovalRule approvalRule;

    public PurchaseRules(UnitOfWork uow, CreditStore store, PurchasePolicy policy, ApprovalRule approvalRule) {
        this.uow = uow;
        this.store = store;
        this.policy = checkPolicy(policy);
        this.approvalRule = Checks.required("approvalRule", approvalRule);
    }

    /** @return the root pool of the session's account, or the account itself when it is in no pool */
    private static String organizationOf(AccountSession session) {
        List<AccountSession> pools = session.pools();
        return pools.isEmpty() ? session.accountId() : pools.get(pools.size() - 1).accountId();
    }

    public Quote quote(PurchaseRequest request) {
        Checks.required("request", request);
        Validated v = validate(request);
        return uow.read(v.accountId, null, session -> price(v, catalog(v, session),
                promotionUsesOf(session, v.promotionCode), session.now()));
    }

    /** A request checked for form; the catalog rows it names are read in the unit of work that prices it. */
    private record Validated(String accountId, String packageId, long credits, String creditType, Money paidPrice,
                             String promotionCode, String purchaseId, String paymentReference, boolean pending,
                             boolean policyChecked, Map<String, String> metadata, String key,
                             Map<String, String> fingerprint) {
    }

    private static Validated validate(PurchaseRequest r) {
        String accountId = Checks.id("accountId", r.accountId());
        String packageId = Checks.optionalId("packageId", r.packageId());
        if (packageId != null && r.credits() != 0) {
            throw new InvalidArgumentException("credits", "must be 0 when buying a package");
        }
        if (packageId == null) {
            Checks.positive("credits", r.credits());
        }
        if (packageId != null && r.creditType() != null) {
            throw new InvalidArgumentException("creditType", "must be null when buying a package (it has its own)");
        }
        String creditType = packageId != null ? null
                : r.creditType() == null ? CreditLedger.DEFAULT_CREDIT_TYPE : Checks.creditType(r.creditType());
        String code = Checks.optionalId("promotionCode", r.promotionCode());
        String purchaseId = Checks.optionalId("purchaseId", r.purchaseId());
        String paymentReference = Checks.optionalId("paymentReference", r.paymentReference());
        Map<String, String> metadata = Checks.metadata(r.metadata());
        String key = Checks.optionalId("idempotencyKey", r.idempotencyKey());
        Map<String, String> fingerprint = new LinkedHashMap<>();
        fingerprint.put("op", "purchase");
        fingerprint.put("packageId", packageId);
        fingerprint.put("credits", Long.toString(r.credits()));
        if (creditType != null && !creditType.equals(CreditLedger.DEFAULT_CREDIT_TYPE)) {
            // Only when not the default, so keys recorded before custom amounts had a type still replay.
            fingerprint.put("creditType", creditType);
        }
        fingerprint.put("promotionCode", code);
        fingerprint.put("purchaseId", purchaseId);
        fingerprint.put("paymentReference", paymentReference);
        fingerprint.put("pending", Boolean.toString(r.pending()));
        fingerprint.put("policyChecked", Boolean.toString(r.policyChecked()));
        fingerprint.put("metadata", Codec.metadata(metadata));
        if (r.paidPrice() != null) {
            Checks.money("paidPrice", r.paidPrice().amount());
            fingerprint.put("paidPrice", r.paidPrice().amount().stripTrailingZeros().toPlainString() + " "
                    + r.paidPrice().currency().getCurrencyCode());
        }
        return new Validated(accountId, packageId, r.credits(), creditType, r.paidPrice(), code, purchaseId,
                paymentReference, r.pending(), r.policyChecked(), metadata, key, fingerprint);
    }

    /** The catalog rows a purchase names: its package, its promotion, the account's plan (each null if absent). */
    private record Catalog(CreditPackage creditPackage, Promotion promotion, Plan plan) {
    }

    /** @return the catalog rows the purchase names, read in the unit of work that prices it */
    private static Catalog catalog(Validated v, AccountSession session) {
        AccountTransaction tx = session.tx();
        CreditPackage creditPackage = v.packageId == null ? null
                : tx.find(CatalogTable.PACKAGES, v.packageId).orElse(null);
        Promotion promotion = v.promotionCode == null ? null
                : tx.find(CatalogTable.PROMOTIONS, v.promotionCode).orElse(null);
        String planId = session.account().planId();
        Plan plan = planId == null ? null : tx.find(CatalogTable.PLANS, planId).orElse(null);
        return new Catalog(creditPackage, promotion, plan);
    }

    /** @return how often the account used the promotion: its purchases with the code that did not fail */
    private static long promotionUsesOf(AccountSession session, String code) {
        if (code == null) {
            return 0;
        }
        return session.tx().listPurchases().stream()
                .filter(p -> code.equals(p.promotionCode()) && p.status() != PurchaseStatus.FAILED
                        && p.status() != PurchaseStatus.REJECTED).count();
    }

    /** Prices a purchase and checks every rule; the first rule broken is the quote's rejection. */
    private Quote price(Validated v, Catalog catalog, long accountUses, Instant now) {
        List<QuoteLine> lines = new ArrayList<>();
        List<String> planRules = new ArrayList<>();
        CreditPackage creditPackage = catalog.creditPackage;
        long credits;
        Money list;
        if (v.packageId != null) {
            if (creditPackage == null) {
                return rejected(v, RejectionReason.UNKNOWN_PACKAGE);
            }
            credits = creditPackage.credits();
            list = creditPackage.price();
            lines.add(new QuoteLine("package:" + creditPackage.packageId(),
                    creditPackage.name() + ": " + credits + " credits", list.amount(), credits));
        } else {
            Plan plan = catalog.plan;
            boolean planRate = plan != null && plan.creditRate() != null;
            Money rate = planRate ? plan.creditRate() : policy.creditRate();
            if (rate == null) {
                return rejected(v, RejectionReason.NO_CREDIT_RATE);
            }
            credits = v.credits;
            list = new Money(round(rate.amount().multiply(BigDecimal.valueOf(credits)), rate), rate.currency());
            if (planRate) {
                planRules.add("plan-rate:" + plan.planId());
            }
            lines.add(new QuoteLine(planRate ? "plan-rate:" + plan.planId() : "credit-rate",
                    credits + " credits at " + rate + " each" + (planRate ? " (plan " + plan.planId() + ")" : ""),
                    list.amount(), credits));
        }
        BigDecimal amount = list.amount();
        BulkDiscount tier = null;
        for (BulkDiscount candidate : policy.bulkDiscounts()) {
            if (credits >= candidate.minCredits() && (tier == null || candidate.minCredits() > tier.minCredits())) {
                tier = candidate;
            }
        }
        if (tier != null) {
            BigDecimal off = round(amount.multiply(tier.percentOff()).divide(HUNDRED), list);
            amount = amount.subtract(off);
            lines.add(new QuoteLine("bulk:" + tier.minCredits(), tier.percentOff().stripTrailingZeros()
                    .toPlainString() + "% off from " + tier.minCredits() + " credits", off.negate(), 0));
        }
        Plan plan = catalog.plan;
        if (plan != null && plan.purchasePercentOff() != null) {
            BigDecimal off = round(amount.multiply(plan.purchasePercentOff()).divide(HUNDRED), list);
            amount = amount.subtract(off);
            planRules.add("plan-discount:" + plan.planId());
            lines.add(new QuoteLine("plan-discount:" + plan.planId(), plan.purchasePercentOff().stripTrailingZeros()
                    .toPlainString() + "% off for plan " + plan.planId(), off.negate(), 0));
        }
        String creditType = creditPackage != null ? creditPackage.creditType() : v.creditType;
        RejectionReason rejection = v.policyChecked ? null
                : policyRejection(credits, list, creditPackage, plan, creditType);
        long bonus = 0;
        Promotion promotion = catalog.promotion;
        String code = v.promotionCode;
        if (code != null) {
            RejectionReason promotionRejection = promotionRejection(promotion, creditPackage, plan, list, accountUses,
                    now);
            if (promotionRejection != null) {
                rejection = rejection == null ? promotionRejection : rejection;
            } else {
                StringBuilder said = new StringBuilder();
                BigDecimal off = BigDecimal.ZERO;
                if (promotion.percentOff() != null) {
                    off = round(amount.multiply(promotion.percentOff()).divide(HUNDRED), list);
                    said.append(promotion.percentOff().stripTrailingZeros().toPlainString()).append("% off");
                }
                if (promotion.amountOff() != null) {
                    off = off.add(promotion.amountOff().amount());
                    said.append(said.length() > 0 ? ", " : "").append(promotion.amountOff()).append(" off");
                }
                off = off.min(amount);
                amount = amount.subtract(off);
                bonus = promotion.bonusCredits();
                if (bonus > 0) {
                    said.append(said.length() > 0 ? ", " : "").append(bonus).append(" bonus credits");
                }
                lines.add(new QuoteLine("promotion:" + code, said.toString(), off.negate(), bonus));
            }
        }
        Checks.add("credits", credits, bonus);
        return new Quote(v.accountId, v.packageId, credits, bonus, list, new Money(amount, list.currency()), lines,
                code, rejection, planRules.isEmpty() ? null : String.join(", ", planRules));
    }

    /** @return the first rule of the purchase policy the purchase breaks, or null */
    private RejectionReason policyRejection(long credits, Money list, CreditPackage creditPackage, Plan plan,
                                            String creditType) {
        if (creditPackage != null && !creditPackage.active()) {
            return RejectionReason.INACTIVE_PACKAGE;
        }
        if (plan != null && !plan.canBuy(creditType)) {
            return RejectionReason.PLAN_CANNOT_BUY_CREDITS;
        }
        if (policy.maxCreditsPerPurchase() > 0 && credits > policy.maxCreditsPerPurchase()) {
            return RejectionReason.ABOVE_MAXIMUM_PURCHASE;
        }
        Money minimum = policy.minimumPurchase();
        if (minimum != null && minimum.currency().equals(list.currency())
                && list.amount().compareTo(minimum.amount()) < 0) {
            return RejectionReason.BELOW_MINIMUM_PURCHASE;
        }
        return null;
    }

    private static RejectionReason promotionRejection(Promotion promotion, CreditPackage creditPackage, Plan plan,
                                                      Money list, long accountUses, Instant now) {
        if (promotion == null) {
            return RejectionReason.UNKNOWN_PROMOTION;
        }
        if (!promotion.active() || (promotion.validFrom() != null && now.isBefore(promotion.validFrom()))) {
            return RejectionReason.PROMOTION_NOT_ACTIVE;
        }
        if (promotion.validUntil() != null && !now.isBefore(promotion.validUntil())) {
            return RejectionReason.PROMOTION_EXPIRED;
        }
        if (!promotion.packageIds().isEmpty()
                && (creditPackage == null || !promotion.packageIds().contains(creditPackage.packageId()))) {
            return RejectionReason.PROMOTION_NOT_APPLICABLE;
        }
        if (!promotion.planIds().isEmpty() && (plan == null || !promotion.planIds().contains(plan.planId()))) {
            return RejectionReason.PROMOTION_NOT_APPLICABLE;
        }
        if (promotion.amountOff() != null && !promotion.amountOff().currency().equals(list.currency())) {
            return RejectionReason.PROMOTION_NOT_APPLICABLE;
        }
        if (promotion.maxUses() > 0 && promotion.uses() >= promotion.maxUses()) {
            return RejectionReason.PROMOTION_EXHAUSTED;
        }
        if (promotion.maxUsesPerAccount() > 0 && accountUses >= promotion.maxUsesPerAccount()) {
            return RejectionReason.PROMOTION_LIMIT_PER_ACCOUNT;
        }
        return null;
    }

    private static Quote rejected(Validated v, RejectionReason reason) {
        return new Quote(v.accountId, v.packageId, v.credits, 0, null, null, List.of(), v.promotionCode, reason);
    }

    /** @return the amount rounded half up to the currency's digits (or its own scale for a currency without) */
    private static BigDecimal round(BigDecimal amount, Money like) {
        int digits = like.currency().getDefaultFractionDigits();
        return amount.setScale(digits >= 0 ? digits : like.amount().scale(), RoundingMode.HALF_UP);
    }

    // ================================================================ purchases

    public PurchaseResult purchase(PurchaseRequest request) {
        Checks.required("request", request);
        Validated v = validate(request);
        if (v.purchaseId != null) {
            Optional<String> owner = store.findAccountOfPurchase(v.purchaseId);
            if (owner.isPresent() && !owner.get().equals(v.accountId)) {
                throw new IdempotencyConflictException(v.accountId, v.purchaseId);
            }
        }
        return purchase(v);
    }

    private PurchaseResult purchase(Validated v) {
        AtomicReference<Quote> lastQuote = new AtomicReference<>();
        try {
            return uow.mutate(v.accountId, null, v.key, session -> {
                Optional<PurchaseResult> replay = UnitOfWork.replay(session, v.key, v.fingerprint,
                        stored -> replayOf(session, stored.get("purchaseId"), null));
                if (replay.isPresent()) {
                    return replay.get();
                }
                if (v.purchaseId != null) {
                    Optional<Purchase> existing = session.tx().findPurchase(v.purchaseId);
                    if (existing.isPresent()) {
                        Purchase p = existing.get();
                        // The id names the purchase: another package, amount, promotion or payment conflicts;
                        // the pending flag does not (whether it was paid is its state, see completePurchase).
                        if (!Objects.equals(p.packageId(), v.packageId)
                                || (v.packageId == null && (p.credits() != v.credits
                                || !p.creditType().equals(v.creditType)))
                                || !Objects.equals(p.promotionCode(), v.promotionCode)
                                || (v.paymentReference != null && p.paymentReference() != null
                                && !v.paymentReference.equals(p.paymentReference()))) {
                            throw new IdempotencyConflictException(v.accountId, v.purchaseId);
                        }
                        return replayOf(session, v.purchaseId, null);
                    }
                }
                Catalog catalog = catalog(v, session);
                Quote quote = price(v, catalog, promotionUsesOf(session, v.promotionCode), session.now());
                lastQuote.set(quote);
                if (!quote.allowed()) {
                    return new PurchaseResult(false, quote.rejection(), quote, null, null,
                            session.account().sequence(), false);
                }
                String purchaseId = v.purchaseId != null ? v.purchaseId : AccountSession.newId();
                CreditPackage creditPackage = catalog.creditPackage;
                String creditType = creditPackage == null ? v.creditType : creditPackage.creditType();
                Period validity = creditPackage == null ? policy.customAmountValidity().get(creditType)
                        : creditPackage.validity();
                Purchase purchase = Purchase.builder(purchaseId, v.accountId, creditType).packageId(v.packageId)
                        .credits(quote.credits(), quote.bonusCredits())
                        .prices(quote.listPrice(), v.paidPrice != null ? v.paidPrice : quote.price())
                        .promotionCode(v.promotionCode).paymentReference(v.paymentReference).validity(validity)
                        .metadata(v.metadata).idempotencyKey(v.key).createdAt(session.now()).build();
                if (v.promotionCode != null) {
                    session.usePromotion(new PromotionUse(v.promotionCode, 1));
                }
                Lot lot = null;
                if (policy.needsApproval(quote.credits(), purchase.price())
                        || approvalRule.needsApproval(organizationOf(session), v.accountId, quote.credits(),
                        purchase.price())) {
                    purchase = Approvals.awaiting(session, purchase, v.pending);
                } else if (!v.pending) {
                    session.settle();
                    lot = grant(session, purchase);
                    purchase = purchase.completed(session.now(), lot.lotId(), lot.transactionId());
                    session.purchaseResolved(purchase);
                }
                session.putPurchase(purchase);
                long sequence = session.sequenceAfterWrite();
                if (v.key != null) {
                    Map<String, String> stored = new LinkedHashMap<>();
                    stored.put("purchaseId", purchaseId);
                    session.recordIdempotency(v.key, Codec.encode(v.fingerprint), Codec.encode(stored));
                }
                session.write();
                return new PurchaseResult(true, null, quote, purchase, lot, sequence, false);
            });
        } catch (PromotionExhaustedException e) {
            // Another account took the last use between our read and our write: nothing was written.
            Quote quote = lastQuote.get();
            Quote rejectedQuote = quote == null ? rejected(v, RejectionReason.PROMOTION_EXHAUSTED)
                    : new Quote(quote.accountId(), quote.packageId(), quote.credits(), quote.bonusCredits(),
                    quote.listPrice(), quote.price(), quote.lines(), quote.promotionCode(),
                    RejectionReason.PROMOTION_EXHAUSTED);
            long sequence = store.findAccount(v.accountId).map(a -> a.sequence()).orElse(0L);
            return new PurchaseResult(false, RejectionReason.PROMOTION_EXHAUSTED, rejectedQuote, null, null,
                    sequence, false);
        }
    }

    /** @return the purchase as it stands, reported as a replay */
    static PurchaseResult replayOf(AccountSession session, String purchaseId, Lot lot) {
        Purchase purchase = session.tx().findPurchase(purchaseId)
                .orElseThrow(() -> new IllegalStateException("purchase " + purchaseId + " is missing"));
        return new PurchaseResult(true, null, null, purchase, lot, session.account().sequence(), true);
    }

    /** Grants a purchase's credits on a new lot, expiring per its validity from now. */
    static Lot grant(AccountSession session, Purchase purchase) {
        Instant now = session.now();
        Instant expiresAt = CatalogRules.expiry(now, purchase.validity());
        AccountSession.Granted granted = session.grantLot(purchase.creditType(), purchase.totalCredits(),
                LotSource.PURCHASE, GrantRequest.DEFAULT_PRIORITY, expiresAt, purchase.price(),
                "purchase " + purchase.purchaseId(), null, purchase.metadata(),
                AccountSession.Origin.purchase(purchase.purchaseId()));
        return granted.lot();
    }

    public PurchaseResult completePurchase(String purchaseId) {
        Checks.id("purchaseId", purchaseId);
        return uow.mutatePurchase(purchaseId, (session, purchase) -> {
            switch (purchase.status()) {
                case COMPLETED:
                    return replayOf(session, purchaseId, null);
                case FAILED:
                    throw new PurchaseStateException("purchase '" + purchaseId + "' failed; it cannot complete");
                case PENDING_APPROVAL, REJECTED:
                    throw new PurchaseStateException("purchase '" + purchaseId + "' is " + purchase.status()
                            + "; only an approved purchase can complete");
                default:
                    break;
            }
            session.settle();
            Lot lot = grant(session, purchase);
            Purchase completed = purchase.completed(session.now(), lot.lotId(), lot.transactionId());
            session.putPurchase(completed);
            session.purchaseResolved(completed);
            long sequence = session.write();
            return new PurchaseResult(true, null, null, completed, lot, sequence, false);
        });
    }

    public PurchaseResult failPurchase(String purchaseId, String reason) {
        Checks.id("purchaseId", purchaseId);
        Checks.text("reason", reason);
        return uow.mutatePurchase(purchaseId, (session, purchase) -> {
            switch (purchase.status()) {
                case FAILED:
                    return replayOf(session, purchaseId, null);
                case COMPLETED:
                    throw new PurchaseStateException("purchase '" + purchaseId
                            + "' completed; refund its credits instead");
                case PENDING_APPROVAL, REJECTED:
                    throw new PurchaseStateException("purchase '" + purchaseId + "' is " + purchase.status()
                            + "; approve or reject it instead");
                default:
                    break;
            }
            Purchase failed = purchase.failed(session.now(), reason);
            session.putPurchase(failed);
            session.purchaseResolved(failed);
            if (purchase.promotionCode() != null) {
                session.usePromotion(new PromotionUse(purchase.promotionCode(), -1));
            }
            long sequence = session.write();
            return new PurchaseResult(true, null, null, failed, null, sequence, false);
        });
    }

    public Optional<Purchase> getPurchase(String purchaseId) {
        Checks.id("purchaseId", purchaseId);
        Optional<String> accountId = store.findAccountOfPurchase(purchaseId);
        if (accountId.isEmpty()) {
            return Optional.empty();
        }
        return store.readAccount(accountId.get(), tx -> tx.findPurchase(purchaseId));
    }

    public List<Purchase> listPurchases(String accountId) {
        Checks.id("accountId", accountId);
        return store.readAccount(accountId, tx -> tx.listPurchases());
    }

    private static PurchasePolicy checkPolicy(PurchasePolicy policy) {
        Checks.required("purchasePolicy", policy);
        Checks.notNegative("maxCreditsPerPurchase", policy.maxCreditsPerPurchase());
        for (BulkDiscount tier : policy.bulkDiscounts()) {
            Checks.required("bulkDiscounts", tier);
            Checks.positive("minCredits", tier.minCredits());
            Checks.required("percentOff", tier.percentOff());
            if (tier.percentOff().signum() <= 0 || tier.percentOff().compareTo(HUNDRED) > 0) {
                throw new InvalidArgumentException("percentOff", "must be above 0 and at most 100");
            }
        }
        for (Map.Entry<String, Period> validity : policy.customAmountValidity().entrySet()) {
            Checks.creditType(validity.getKey());
            Checks.required("customAmountValidity[" + validity.getKey() + "]", validity.getValue());
            if (validity.getValue().isNegative() || validity.getValue().isZero()) {
                throw new InvalidArgumentException("customAmountValidity", "must be positive: " + validity.getValue());
            }
        }
        return policy;
    }
}
