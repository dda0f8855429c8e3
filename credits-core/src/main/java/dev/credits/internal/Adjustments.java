package dev.credits.internal;

import dev.credits.AdjustmentResult;
import dev.credits.Allocation;
import dev.credits.CreditAdjustment;
import dev.credits.EntryType;
import dev.credits.GrantRequest;
import dev.credits.GrantResult;
import dev.credits.InvalidArgumentException;
import dev.credits.LotSource;
import dev.credits.RejectionReason;
import dev.credits.internal.AccountSession.Portion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of an administrator's adjustments: adding credits (a grant from {@link LotSource#ADMIN}) and removing
 * them (an ADJUSTMENT entry taking credits from the lots in burn-down order). Both need an actor and a reason, work on
 * a paused account, and are idempotent with a key. Stateless apart from its collaborators; thread-safe.
 */
public final class Adjustments {
    private final UnitOfWork uow;
    private final Spending spending;

    public Adjustments(UnitOfWork uow, Spending spending) {
        this.uow = uow;
        this.spending = spending;
    }

    public GrantResult addCredits(GrantRequest request) {
        Checks.required("request", request);
        requireActor();
        Checks.requiredText("reason", request.reason());
        if (request.source() != LotSource.ADMIN) {
            throw new InvalidArgumentException("source", "an administrator adds credits from ADMIN, not "
                    + request.source() + "; use grant for other sources");
        }
        return spending.grant(request);
    }

    public AdjustmentResult removeCredits(CreditAdjustment request) {
        Checks.required("request", request);
        requireActor();
        String accountId = Checks.id("accountId", request.accountId());
        Checks.positive("credits", request.credits());
        String type = Checks.creditType(request.creditType());
        String reason = Checks.requiredText("reason", request.reason());
        String key = Checks.optionalId("idempotencyKey", request.idempotencyKey());
        Map<String, String> fingerprint = new LinkedHashMap<>();
        fingerprint.put("op", "removeCredits");
        fingerprint.put("credits", Long.toString(request.credits()));
        fingerprint.put("creditType", type);
        fingerprint.put("reason", reason);
        fingerprint.put("allowDebt", Boolean.toString(request.allowDebt()));

        return uow.mutate(accountId, null, key, session -> {
            Optional<AdjustmentResult> replay = UnitOfWork.replay(session, key, fingerprint, stored ->
                    new AdjustmentResult(true, null, accountId, stored.get("transactionId"),
                            Long.parseLong(stored.get("creditsRemoved")), Long.parseLong(stored.get("debt")),
                            Long.parseLong(stored.get("available")),
                            session.tx().findAllocations(stored.get("transactionId")),
                            Long.parseLong(stored.get("sequence")), true));
            if (replay.isPresent()) {
                return replay.get();
            }
            session.settle();
            long credits = request.credits();
            long available = session.available(type);
            long floor = -session.account().overdraftLimit();
            if (!request.allowDebt() && available - credits < floor) {
                // A rejection is a read: nothing is written, not even the expiry sweep.
                return new AdjustmentResult(false, RejectionReason.INSUFFICIENT_CREDITS, accountId, null, 0, 0,
                        available, List.of(), session.account().sequence(), false);
            }
            // Within the overdraft limit the lots and the overdraft lot pay; past it (allowed debt) the overdraft lot
            // takes the rest as debt, whatever the limit.
            String transactionId = AccountSession.newId();
            List<Portion> portions = session.take(type, credits, false, transactionId);
            long debt = credits - Math.max(0, Math.min(credits, available));
            List<Allocation> receipt = new ArrayList<>();
            int position = 0;
            for (Portion portion : Portion.merged(portions)) {
                receipt.add(new Allocation(transactionId, position++, portion.lotId(), -portion.amount()));
            }
            receipt.forEach(session::addAllocation);
            session.addEntry(EntryDraft.of(transactionId, EntryType.ADJUSTMENT, type, -credits).withReason(reason)
                    .withIdempotencyKey(key));
            AdjustmentResult result = new AdjustmentResult(true, null, accountId, transactionId, credits, debt,
                    session.available(type), receipt, session.sequenceAfterWrite(), false);
            if (key != null) {
                session.recordIdempotency(key, Codec.encode(fingerprint), Codec.encode(Map.of(
                        "transactionId", transactionId, "creditsRemoved", Long.toString(credits),
                        "debt", Long.toString(debt), "available", Long.toString(result.available()),
                        "sequence", Long.toString(result.sequence()))));
            }
            session.write();
            return result;
        });
    }

    private void requireActor() {
        if (uow.actor() == null) {
            throw new InvalidArgumentException("actor", "an adjustment records who made it: call it on "
                    + "ledger.actingAs(Actor.of(adminId, reason))");
        }
    }
}
