package dev.credits.internal;

import dev.credits.Allocation;
import dev.credits.CapExceeded;
import dev.credits.ChargeResult;
import dev.credits.ChargeWork;
import dev.credits.CommitResult;
import dev.credits.CreditLedger;
import dev.credits.EntryType;
import dev.credits.FeaturePricing;
import dev.credits.Hold;
import dev.credits.HoldStateException;
import dev.credits.HoldStatus;
import dev.credits.InvalidArgumentException;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.RejectionReason;
import dev.credits.ReleaseResult;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import dev.credits.UnknownHoldException;
import dev.credits.internal.AccountSession.Portion;
import dev.credits.internal.Spending.Price;
import dev.credits.internal.Spending.Retry;
import dev.credits.internal.Spending.Spend;
import dev.credits.spi.CreditStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import static dev.credits.internal.Spending.rejection;

/**
 * The rules of holds: reserving, committing (in full, in part, by quantity), releasing, and {@code charge},
 * which bills slow work through them. Stateless apart from its collaborators; thread-safe.
 */
public final class Holds {
    private final UnitOfWork uow;
    private final CreditStore store;
    private final Duration defaultHoldTimeout;
    private final Duration maxHoldTimeout;

    public Holds(UnitOfWork uow, CreditStore store, Duration defaultHoldTimeout, Duration maxHoldTimeout) {
        this.uow = uow;
        this.store = store;
        this.defaultHoldTimeout = defaultHoldTimeout;
        this.maxHoldTimeout = maxHoldTimeout;
    }

    public ReservationResult reserve(ReserveRequest request) {
        return uow.dueHolds().spendAfterDueHolds(() -> reserveOnce(request), ReservationResult::capExceeded);
    }

    private ReservationResult reserveOnce(ReserveRequest request) {
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
        String retryOf = Checks.optionalId("retryOf", request.retryOf());
        fingerprint.put("retryOf", retryOf);

        return uow.mutate(accountId, featureKey, key, session -> {
            Optional<ReservationResult> replay = UnitOfWork.replay(session, key, fingerprint, f -> new ReservationResult(true,
                    null, Snapshots.decodeHold(f), Long.parseLong(f.get("required")),
                    Long.parseLong(f.get("available")), Long.parseLong(f.get("sequence")), true));
            if (replay.isPresent()) {
                return replay.get();
            }
            Optional<FeaturePricing> feature = session.feature();
            Price price = Price.of(session, feature);
            long unitPrice = price.unitPrice();
            Retry retry = Retry.of(session, feature, retryOf, featureKey, quantity);
            if (retry.free()) {
                unitPrice = 0;
            }
            long required = Checks.cost(unitPrice, quantity);
            session.settle();
            String type = feature.map(FeaturePricing::creditType).orElse(CreditLedger.DEFAULT_CREDIT_TYPE);
            RejectionReason reason = rejection(session, feature, required);
            long maxOpenHolds = session.account().maxOpenHolds();
            if (reason == null && maxOpenHolds > 0 && openHolds(session) >= maxOpenHolds) {
                reason = RejectionReason.TOO_MANY_OPEN_HOLDS;
            }
            CapExceeded cap = reason == null ? Caps.check(session, type, required, userId, metadata) : null;
            if (reason != null || cap != null) {
                return new ReservationResult(false, cap != null ? RejectionReason.CAP_EXCEEDED : reason, null,
                        required, session.spendable(type), session.account().sequence(), false, cap);
            }
            String holdId = AccountSession.newId();
            Caps.count(session, type, required, userId, metadata);
            List<Portion> portions = session.take(type, required, true, holdId);
            Instant now = session.now();
            Hold hold = Hold.work(holdId, accountId, type).feature(featureKey, quantity, unitPrice, price.planId())
                    .amount(required).userId(userId).idempotencyKey(key).metadata(metadata).createdAt(now)
                    .expiresAt(Checks.plus("timeout", now, timeout)).retry(retry.original(), retry.number()).build();
            session.insertHold(hold, portions);
            Hold placed = hold.toBuilder().changedAtSequence(session.sequenceAfterWrite()).build();
            ReservationResult result = new ReservationResult(true, null, placed, required, session.spendable(type),
                    placed.changedAtSequence(), false);
            if (key != null) {
                Map<String, String> stored = Snapshots.encodeHold(placed);
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
                .filter(hold -> !hold.isDueAt(now) && !hold.isFreeze()).count();
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
        return uow.mutate(accountId, session -> {
            Hold stored = session.tx().findHold(holdId).orElseThrow(() -> new UnknownHoldException(holdId));
            Hold hold = effective(stored, session.now());
            if (hold.isFreeze()) {
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
            session.addEntry(EntryDraft.of(transactionId, EntryType.DEDUCTION, type, -credits)
                    .withFeature(hold.featureKey(), charge.quantity(), hold.unitPrice())
                    .withPricePlan(hold.pricePlanId()).withRetryNumber(hold.retryNumber()).withReference(hold.retryOf())
                    .withUserId(hold.userId()).withHoldId(holdId).withMetadata(hold.metadata()));
            Hold committed = hold.resolved(HoldStatus.COMMITTED, session.now(), credits, transactionId);
            session.updateHold(committed);
            Caps.giveBack(session, hold, hold.amount() - credits);
            session.expireLots();
            long sequence = session.write();
            return new CommitResult(committed.toBuilder().changedAtSequence(sequence).build(), transactionId, credits, hold.amount() - credits,
                    session.available(type), sequence);
        });
    }

    public ReleaseResult release(String holdId) {
        Checks.id("holdId", holdId);
        String accountId = store.findAccountOfHold(holdId).orElseThrow(() -> new UnknownHoldException(holdId));
        return uow.mutate(accountId, session -> {
            Hold stored = session.tx().findHold(holdId).orElseThrow(() -> new UnknownHoldException(holdId));
            if (stored.isFreeze()) {
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
            return new ReleaseResult(released.toBuilder().changedAtSequence(sequence).build(), stored.amount(), session.available(type), sequence);
        });
    }

    public Optional<Hold> getHold(String holdId) {
        Checks.id("holdId", holdId);
        Optional<String> accountId = store.findAccountOfHold(holdId);
        if (accountId.isEmpty()) {
            return Optional.empty();
        }
        return store.readAccount(accountId.get(), tx -> tx.findHold(holdId).map(hold -> effective(hold, uow.now())));
    }

    /** @return the hold as a reader sees it: an open hold past its deadline is expired */
    private static Hold effective(Hold hold, Instant now) {
        return hold.isDueAt(now) ? hold.resolved(HoldStatus.EXPIRED, hold.expiresAt(), 0, null) : hold;
    }

    /**
     * Bills slow work: reserves the cost, runs the work, commits on success, releases and rethrows on failure;
     * with an idempotency key the work runs at most once (see {@code CreditLedger.charge}).
     */
    public <T, X extends Exception> ChargeResult<T> charge(ReserveRequest request, ChargeWork<T, X> work) throws X {
        if (work == null) {
            throw new InvalidArgumentException("work", "is required");
        }
        ReservationResult reservation = reserve(request);
        if (!reservation.success()) {
            return new ChargeResult<>(false, reservation.reason(), null, null, reservation.required(),
                    reservation.available(), false, reservation.capExceeded());
        }
        String holdId = reservation.hold().holdId();
        if (reservation.replayed()) {
            Hold hold = getHold(holdId).orElseThrow(() -> new UnknownHoldException(holdId));
            if (hold.status() != HoldStatus.COMMITTED) {
                throw new HoldStateException(holdId, hold.status(), "a charge with this idempotency key "
                        + (hold.status() == HoldStatus.OPEN ? "is still running" : "already failed")
                        + "; use a new key to run the work again");
            }
            CommitResult commit = commit(holdId, hold.committedCredits());
            return new ChargeResult<>(true, null, null, commit, reservation.required(), commit.remainingCredits(),
                    true);
        }
        T value;
        try {
            value = work.run();
        } catch (Throwable failure) {
            try {
                release(holdId);
            } catch (RuntimeException releaseFailure) {
                failure.addSuppressed(releaseFailure);
            }
            throw failure;
        }
        CommitResult commit = commit(holdId, -1);
        return new ChargeResult<>(true, null, value, commit, reservation.required(), commit.remainingCredits(),
                false);
    }
}
