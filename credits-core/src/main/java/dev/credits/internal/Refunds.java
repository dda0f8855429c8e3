package dev.credits.internal;

import dev.credits.Allocation;
import dev.credits.EntryType;
import dev.credits.GrantRequest;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.RefundLimitException;
import dev.credits.RefundRequest;
import dev.credits.RefundResult;
import dev.credits.UnknownTransactionException;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.CreditStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of refunding a deduction: back to the lots it took from, in reverse, with expired credits coming
 * back on a refund lot. Stateless apart from its collaborators; thread-safe.
 */
public final class Refunds {
    private final UnitOfWork uow;
    private final CreditStore store;
    private final Duration expiredLotRefundValidity;

    public Refunds(UnitOfWork uow, CreditStore store, Duration expiredLotRefundValidity) {
        this.uow = uow;
        this.store = store;
        this.expiredLotRefundValidity = expiredLotRefundValidity;
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

        return uow.mutate(accountId, null, key, session -> {
            Optional<RefundResult> replay = UnitOfWork.replay(session, key, fingerprint, f -> new RefundResult(
                    f.get("transactionId"), transactionId, accountId, Long.parseLong(f.get("creditsRefunded")),
                    Long.parseLong(f.get("totalRefunded")), Long.parseLong(f.get("remainingCredits")),
                    Long.parseLong(f.get("sequence")), true));
            if (replay.isPresent()) {
                return replay.get();
            }
            if (request.credits() == 0 && charged(session, transactionId) == 0) {
                return refundNothing(session, original(session, transactionId), key, fingerprint, request.reason());
            }
            RefundResult result = refundIn(session, transactionId, request.credits(), request.reason(), key);
            String refundId = result.transactionId();
            long credits = result.creditsRefunded();
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
     * Refunds {@code credits} of a deduction inside a unit of work (0: all that is still refundable), back to the lots
     * it took from; writes nothing yet (the caller writes the session). What a dispute's resolution refunds with.
     *
     * @throws UnknownTransactionException if the transaction is not one of the account's deductions
     * @throws RefundLimitException        if {@code credits} is more than what is still refundable
     */
    RefundResult refundIn(AccountSession session, String transactionId, long requested, String reason, String key) {
        LedgerEntry original = original(session, transactionId);
        long charged = -original.amount();
        long refundedBefore = refunded(session, transactionId);
        long refundable = charged - refundedBefore;
        long credits = requested == 0 ? refundable : requested;
        if (credits <= 0 || credits > refundable) {
            throw new RefundLimitException(transactionId, credits, refundable);
        }
        session.settle();
        String refundId = AccountSession.newId();
        String type = original.creditType();
        List<Allocation> back = new ArrayList<>(unwind(session.tx().findAllocations(transactionId), refundedBefore,
                credits));
        int position = 0;
        for (Allocation portion : back) {
            position = giveBack(session, refundId, position, portion.lotId(), portion.amount());
        }
        session.addBalance(type, credits, 0);
        session.addEntry(EntryDraft.of(refundId, EntryType.REFUND, type, credits)
                .withFeature(original.featureKey(), 0, 0).withUserId(original.userId())
                .withReference(transactionId).withReason(reason).withIdempotencyKey(key));
        session.expireLots();
        return new RefundResult(refundId, transactionId, session.accountId(), credits, refundedBefore + credits,
                session.available(type), session.sequenceAfterWrite(), false);
    }

    /** @return the account's deduction {@code transactionId} */
    static LedgerEntry original(AccountSession session, String transactionId) {
        return session.tx().findEntry(transactionId)
                .filter(entry -> entry.type() == EntryType.DEDUCTION)
                .orElseThrow(() -> new UnknownTransactionException(transactionId,
                        "transaction '" + transactionId + "' is not a deduction"));
    }

    private static long charged(AccountSession session, String transactionId) {
        return -original(session, transactionId).amount();
    }

    /** @return the credits of a deduction refunded so far */
    static long refunded(AccountSession session, String transactionId) {
        long refunded = 0;
        for (LedgerEntry refund : session.tx().findEntriesReferencing(transactionId)) {
            if (refund.type() == EntryType.REFUND) {
                refunded += refund.amount();
            }
        }
        return refunded;
    }

    /**
     * Refunds a deduction that cost nothing (a free retry, a free feature): no balance changes. The first call records
     * a REFUND entry of 0 credits, so a rolled-back free retry gives its slot back; later calls write nothing.
     */
    private static RefundResult refundNothing(AccountSession session, LedgerEntry original, String key,
                                              Map<String, String> fingerprint, String reason) {
        String type = original.creditType();
        Optional<LedgerEntry> earlier = session.tx().findEntriesReferencing(original.transactionId()).stream()
                .filter(entry -> entry.type() == EntryType.REFUND).findFirst();
        if (earlier.isPresent()) {
            return new RefundResult(earlier.get().transactionId(), original.transactionId(), session.accountId(), 0,
                    0, session.available(type), session.account().sequence(), false);
        }
        String refundId = AccountSession.newId();
        session.addEntry(EntryDraft.of(refundId, EntryType.REFUND, type, 0)
                .withFeature(original.featureKey(), 0, 0).withUserId(original.userId())
                .withReference(original.transactionId()).withReason(reason).withIdempotencyKey(key));
        RefundResult result = new RefundResult(refundId, original.transactionId(), session.accountId(), 0, 0,
                session.available(type), session.sequenceAfterWrite(), false);
        if (key != null) {
            session.recordIdempotency(key, Codec.encode(fingerprint), Codec.encode(Map.of(
                    "transactionId", refundId, "creditsRefunded", "0", "totalRefunded", "0",
                    "remainingCredits", Long.toString(result.remainingCredits()),
                    "sequence", Long.toString(result.sequence()))));
        }
        session.write();
        return result;
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
            Lot refundLot = Lot.builder(AccountSession.newId(), session.accountId(), lot.creditType(), LotSource.REFUND)
                    .priority(priority).amounts(rest, rest, 0)
                    .expiresAt(Checks.plus("expiredLotRefundValidity", session.now(), expiredLotRefundValidity))
                    .metadata(Map.of("refundOfLot", lot.lotId())).granted(session.now(), refundId).build();
            session.insertLot(refundLot);
            session.addAllocation(new Allocation(refundId, position++, refundLot.lotId(), rest));
        }
        return position;
    }
}
