package dev.credits.internal;

import dev.credits.AllowancePeriod;
import dev.credits.Hold;
import dev.credits.HoldKind;
import dev.credits.HoldStatus;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Lots and holds as flat string maps, so an idempotency record can store the first result exactly as it
 * was returned and a replay can give it back unchanged.
 */
final class Snapshots {
    private Snapshots() {
    }

    static Map<String, String> encodeLot(Lot lot) {
        Map<String, String> f = new HashMap<>();
        f.put("lot.id", lot.lotId());
        f.put("lot.account", lot.accountId());
        f.put("lot.creditType", lot.creditType());
        f.put("lot.source", lot.source().name());
        f.put("lot.priority", Integer.toString(lot.priority()));
        f.put("lot.amount", Long.toString(lot.amount()));
        f.put("lot.remaining", Long.toString(lot.remaining()));
        f.put("lot.held", Long.toString(lot.held()));
        f.put("lot.expiresAt", lot.expiresAt() == null ? null : lot.expiresAt().toString());
        f.put("lot.money", lot.moneyPaid() == null ? null : lot.moneyPaid().amount().toPlainString());
        f.put("lot.currency", lot.moneyPaid() == null ? null : lot.moneyPaid().currency().getCurrencyCode());
        f.put("lot.metadata", Codec.encode(lot.metadata()));
        f.put("lot.grantedAt", lot.grantedAt().toString());
        f.put("lot.transaction", lot.transactionId());
        f.put("lot.purchase", lot.purchaseId());
        AllowancePeriod allowance = lot.allowance();
        if (allowance != null) {
            f.put("lot.allowance.plan", allowance.planId());
            f.put("lot.allowance.start", allowance.periodStart().toString());
            f.put("lot.allowance.rollover", Boolean.toString(allowance.rollover()));
        }
        return f;
    }

    static Lot decodeLot(Map<String, String> f) {
        String plan = f.get("lot.allowance.plan");
        return Lot.builder(f.get("lot.id"), f.get("lot.account"), f.get("lot.creditType"),
                        LotSource.valueOf(f.get("lot.source")))
                .priority(Integer.parseInt(f.get("lot.priority")))
                .amounts(Long.parseLong(f.get("lot.amount")), Long.parseLong(f.get("lot.remaining")),
                        Long.parseLong(f.get("lot.held")))
                .expiresAt(instant(f.get("lot.expiresAt")))
                .moneyPaid(f.get("lot.money") == null ? null : Money.of(f.get("lot.money"), f.get("lot.currency")))
                .metadata(Codec.decode(f.get("lot.metadata")))
                .granted(Instant.parse(f.get("lot.grantedAt")), f.get("lot.transaction"))
                .purchaseId(f.get("lot.purchase"))
                .allowance(plan == null ? null : new AllowancePeriod(plan, Instant.parse(f.get("lot.allowance.start")),
                        Boolean.parseBoolean(f.get("lot.allowance.rollover"))))
                .build();
    }

    static Map<String, String> encodeHold(Hold hold) {
        Map<String, String> f = new HashMap<>();
        f.put("hold.id", hold.holdId());
        f.put("hold.account", hold.accountId());
        f.put("hold.creditType", hold.creditType());
        f.put("hold.kind", hold.kind().name());
        f.put("hold.purchase", hold.purchaseId());
        f.put("hold.feature", hold.featureKey());
        f.put("hold.quantity", Long.toString(hold.quantity()));
        f.put("hold.unitPrice", Long.toString(hold.unitPrice()));
        f.put("hold.pricePlan", hold.pricePlanId());
        f.put("hold.amount", Long.toString(hold.amount()));
        f.put("hold.status", hold.status().name());
        f.put("hold.user", hold.userId());
        f.put("hold.key", hold.idempotencyKey());
        f.put("hold.metadata", Codec.encode(hold.metadata()));
        f.put("hold.createdAt", hold.createdAt().toString());
        f.put("hold.expiresAt", hold.expiresAt().toString());
        f.put("hold.retryOf", hold.retryOf());
        f.put("hold.retryNumber", hold.retryNumber() == 0 ? null : Integer.toString(hold.retryNumber()));
        f.put("hold.changedAt", hold.changedAtSequence() == 0 ? null : Long.toString(hold.changedAtSequence()));
        return f;
    }

    static Hold decodeHold(Map<String, String> f) {
        // Results recorded before holds had a kind are reservations: work holds.
        HoldKind kind = HoldKind.valueOf(f.getOrDefault("hold.kind", HoldKind.WORK.name()));
        return Hold.builder(kind, f.get("hold.id"), f.get("hold.account"), f.get("hold.creditType"),
                        f.get("hold.purchase"))
                .feature(f.get("hold.feature"), Long.parseLong(f.get("hold.quantity")),
                        Long.parseLong(f.get("hold.unitPrice")), f.get("hold.pricePlan"))
                .amount(Long.parseLong(f.get("hold.amount"))).status(HoldStatus.valueOf(f.get("hold.status")))
                .userId(f.get("hold.user")).idempotencyKey(f.get("hold.key"))
                .metadata(Codec.decode(f.get("hold.metadata"))).createdAt(Instant.parse(f.get("hold.createdAt")))
                .expiresAt(Instant.parse(f.get("hold.expiresAt")))
                .retry(f.get("hold.retryOf"), Integer.parseInt(f.getOrDefault("hold.retryNumber", "0")))
                .changedAtSequence(Long.parseLong(f.getOrDefault("hold.changedAt", "0"))).build();
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
