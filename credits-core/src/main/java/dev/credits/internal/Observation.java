package dev.credits.internal;

import dev.credits.CheckResult;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.GrantRequest;
import dev.credits.LedgerCall;
import dev.credits.LedgerObserver;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.Quote;
import dev.credits.RejectionReason;
import dev.credits.ReserveRequest;
import dev.credits.ReservationResult;
import dev.credits.ChargeResult;
import dev.credits.CommitResult;
import dev.credits.ReleaseResult;
import dev.credits.RefundResult;
import dev.credits.Hold;
import dev.credits.PlanChange;
import dev.credits.PeriodResult;
import dev.credits.Purchase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports public calls to the ledger's {@link LedgerObserver}. Without one, a call runs its work directly: the
 * account, the outcome and the clock are only looked at when someone listens.
 */
public final class Observation {
    private static final Logger log = LoggerFactory.getLogger(Observation.class);

    /** A public call's body. */
    @FunctionalInterface
    public interface Call<T, X extends Exception> {
        T run() throws X;
    }

    private final LedgerObserver observer;

    /** @param observer the observer, or null for none */
    public Observation(LedgerObserver observer) {
        this.observer = observer;
    }

    /**
     * Runs one public call.
     *
     * @param name    the public call's name
     * @param subject the account id, or the request naming it, or null (then the result may name it)
     */
    public <T, X extends Exception> T call(String name, Object subject, Call<T, X> work) throws X {
        if (observer == null) {
            return work.run();
        }
        long start = System.nanoTime();
        T result;
        try {
            result = work.run();
        } catch (Exception | Error e) {
            report(new LedgerCall(name, accountOf(subject, null), LedgerCall.Outcome.FAILED, null, e,
                    System.nanoTime() - start));
            throw e;
        }
        long elapsed = System.nanoTime() - start;
        RejectionReason rejection = rejectionOf(result);
        report(new LedgerCall(name, accountOf(subject, result),
                rejection == null ? LedgerCall.Outcome.SUCCESS : LedgerCall.Outcome.REJECTED, rejection, null,
                elapsed));
        return result;
    }

    private void report(LedgerCall call) {
        try {
            observer.onCall(call);
        } catch (RuntimeException e) {
            // Observation must never change what the call returns.
            log.warn("ledger observer failed on {}", call.name(), e);
        }
    }

    static RejectionReason rejectionOf(Object result) {
        if (result instanceof DeductionResult r) {
            return r.reason();
        } else if (result instanceof CheckResult r) {
            return r.reason();
        } else if (result instanceof ReservationResult r) {
            return r.reason();
        } else if (result instanceof ChargeResult<?> r) {
            return r.reason();
        } else if (result instanceof PurchaseResult r) {
            return r.reason();
        } else if (result instanceof Quote r) {
            return r.rejection();
        }
        return null;
    }

    static String accountOf(Object subject, Object result) {
        if (subject instanceof String accountId) {
            return accountId;
        } else if (subject instanceof DeductRequest r) {
            return r.accountId();
        } else if (subject instanceof GrantRequest r) {
            return r.accountId();
        } else if (subject instanceof ReserveRequest r) {
            return r.accountId();
        } else if (subject instanceof PurchaseRequest r) {
            return r.accountId();
        }
        // Calls by hold, transaction or purchase id: the result names the account.
        Hold hold = null;
        if (result instanceof CommitResult r) {
            hold = r.hold();
        } else if (result instanceof ReleaseResult r) {
            hold = r.hold();
        } else if (result instanceof ReservationResult r) {
            hold = r.hold();
        } else if (result instanceof RefundResult r) {
            return r.accountId();
        } else if (result instanceof PurchaseResult r && r.purchase() != null) {
            return r.purchase().accountId();
        } else if (result instanceof Purchase r) {
            return r.accountId();
        } else if (result instanceof PlanChange r) {
            return r.accountId();
        } else if (result instanceof PeriodResult r) {
            return r.accountId();
        }
        return hold == null ? null : hold.accountId();
    }
}
