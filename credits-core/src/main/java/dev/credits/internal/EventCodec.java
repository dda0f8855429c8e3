package dev.credits.internal;

import dev.credits.ChargeDisputeStatus;
import dev.credits.CreditEvent;
import dev.credits.EntryType;
import dev.credits.EventPayload;
import dev.credits.EventType;
import dev.credits.PurchaseStatus;
import dev.credits.spi.EventRecord;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns event payloads into the text a store keeps ({@link Codec}'s canonical form) and back. Stateless.
 */
final class EventCodec {
    private EventCodec() {
    }

    static String encode(EventPayload payload) {
        if (payload instanceof EventPayload.EntryPosted p) {
            // Every change writes one: its fields in the order of their keys, the text encode(map) writes (keys,
            // numbers and enum names need no escaping).
            StringBuilder out = new StringBuilder(160);
            out.append("amount=").append(p.amount()).append("&balanceAfter=").append(p.balanceAfter())
                    .append("&entryType=").append(p.entryType().name());
            Codec.appendField(out, "featureKey", p.featureKey());
            Codec.appendField(out, "referenceId", p.referenceId());
            Codec.appendField(out, "transactionId", p.transactionId());
            return out.toString();
        }
        return Codec.encode(fields(payload));
    }

    /** @return the payload's fields by name (null: absent) */
    static Map<String, String> fields(EventPayload payload) {
        Map<String, String> f = new LinkedHashMap<>();
        if (payload instanceof EventPayload.EntryPosted p) {
            f.put("transactionId", p.transactionId());
            f.put("entryType", p.entryType().name());
            f.put("amount", Long.toString(p.amount()));
            f.put("balanceAfter", Long.toString(p.balanceAfter()));
            f.put("featureKey", p.featureKey());
            f.put("referenceId", p.referenceId());
        } else if (payload instanceof EventPayload.BalanceLow p) {
            f.put("available", Long.toString(p.available()));
            f.put("threshold", Long.toString(p.threshold()));
        } else if (payload instanceof EventPayload.BalanceRecovered p) {
            f.put("available", Long.toString(p.available()));
            f.put("threshold", Long.toString(p.threshold()));
        } else if (payload instanceof EventPayload.BalanceDepleted p) {
            f.put("available", Long.toString(p.available()));
        } else if (payload instanceof EventPayload.CreditsExpiringSoon p) {
            f.put("lotId", p.lotId());
            f.put("credits", Long.toString(p.credits()));
            f.put("expiresAt", p.expiresAt().toString());
        } else if (payload instanceof EventPayload.CreditsExpired p) {
            f.put("lotId", p.lotId());
            f.put("credits", Long.toString(p.credits()));
            f.put("transactionId", p.transactionId());
        } else if (payload instanceof EventPayload.PurchaseCompleted p) {
            f.put("purchaseId", p.purchaseId());
            f.put("credits", Long.toString(p.credits()));
            f.put("lotId", p.lotId());
        } else if (payload instanceof EventPayload.PurchaseFailed p) {
            f.put("purchaseId", p.purchaseId());
            f.put("reason", p.reason());
        } else if (payload instanceof EventPayload.PurchaseApproval p) {
            f.put("purchaseId", p.purchaseId());
            f.put("status", p.status().name());
            f.put("approver", p.approver());
            f.put("reason", p.reason());
        } else if (payload instanceof EventPayload.PeriodStarted p) {
            f.put("planId", p.planId());
            f.put("periodStart", p.periodStart().toString());
            f.put("periodEnd", p.periodEnd().toString());
        } else if (payload instanceof EventPayload.HoldExpired p) {
            f.put("holdId", p.holdId());
            f.put("credits", Long.toString(p.credits()));
        } else if (payload instanceof EventPayload.ChargeDisputeChanged p) {
            f.put("disputeId", p.disputeId());
            f.put("transactionId", p.transactionId());
            f.put("status", p.status().name());
            f.put("creditsRequested", Long.toString(p.creditsRequested()));
            f.put("creditsRefunded", Long.toString(p.creditsRefunded()));
        }
        return f;
    }

    static CreditEvent decode(EventRecord record) {
        Map<String, String> f = Codec.decode(record.payload());
        EventPayload payload = switch (EventType.valueOf(record.type())) {
            case ENTRY_POSTED -> new EventPayload.EntryPosted(f.get("transactionId"),
                    EntryType.valueOf(f.get("entryType")), num(f, "amount"), num(f, "balanceAfter"),
                    f.get("featureKey"), f.get("referenceId"));
            case BALANCE_LOW -> new EventPayload.BalanceLow(num(f, "available"), num(f, "threshold"));
            case BALANCE_RECOVERED -> new EventPayload.BalanceRecovered(num(f, "available"), num(f, "threshold"));
            case BALANCE_DEPLETED -> new EventPayload.BalanceDepleted(num(f, "available"));
            case CREDITS_EXPIRING_SOON -> new EventPayload.CreditsExpiringSoon(f.get("lotId"), num(f, "credits"),
                    Instant.parse(f.get("expiresAt")));
            case CREDITS_EXPIRED -> new EventPayload.CreditsExpired(f.get("lotId"), num(f, "credits"),
                    f.get("transactionId"));
            case PURCHASE_COMPLETED -> new EventPayload.PurchaseCompleted(f.get("purchaseId"), num(f, "credits"),
                    f.get("lotId"));
            case PURCHASE_FAILED -> new EventPayload.PurchaseFailed(f.get("purchaseId"), f.get("reason"));
            case PURCHASE_APPROVAL -> new EventPayload.PurchaseApproval(f.get("purchaseId"),
                    PurchaseStatus.valueOf(f.get("status")), f.get("approver"), f.get("reason"));
            case PERIOD_STARTED -> new EventPayload.PeriodStarted(f.get("planId"), Instant.parse(f.get("periodStart")),
                    Instant.parse(f.get("periodEnd")));
            case HOLD_EXPIRED -> new EventPayload.HoldExpired(f.get("holdId"), num(f, "credits"));
            case CHARGE_DISPUTE_CHANGED -> new EventPayload.ChargeDisputeChanged(f.get("disputeId"),
                    f.get("transactionId"), ChargeDisputeStatus.valueOf(f.get("status")), num(f, "creditsRequested"),
                    num(f, "creditsRefunded"));
        };
        return new CreditEvent(record.position(), record.eventId(), record.accountId(), record.accountSequence(),
                record.creditType(), record.occurredAt(), payload);
    }

    private static long num(Map<String, String> fields, String name) {
        return Long.parseLong(fields.get(name));
    }
}
