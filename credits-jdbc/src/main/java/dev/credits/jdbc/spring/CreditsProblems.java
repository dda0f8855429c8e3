package dev.credits.jdbc.spring;

import dev.credits.ChargeDisputeStateException;
import dev.credits.CheckResult;
import dev.credits.CreditsException;
import dev.credits.DeductionResult;
import dev.credits.DuplicateFeatureException;
import dev.credits.HoldStateException;
import dev.credits.IdempotencyConflictException;
import dev.credits.InvalidArgumentException;
import dev.credits.LeaseLostException;
import dev.credits.LockTimeoutException;
import dev.credits.PurchaseStateException;
import dev.credits.RefundLimitException;
import dev.credits.RejectionReason;
import dev.credits.ReservationResult;
import dev.credits.StoreUnavailableException;
import dev.credits.TransactionConflictException;
import dev.credits.UnknownAccountException;
import dev.credits.UnknownConsumerException;
import dev.credits.UnknownDisputeException;
import dev.credits.UnknownFeatureException;
import dev.credits.UnknownHoldException;
import dev.credits.UnknownPlanException;
import dev.credits.UnknownPurchaseException;
import dev.credits.UnknownTransactionException;
import dev.credits.spi.PromotionExhaustedException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.net.URI;
import java.util.Locale;

/**
 * RFC 9457 problem details for the ledger's rejections and exceptions, for Spring MVC controllers. A rejection
 * answers its {@link RejectionReason#httpStatus()} (402 for a short balance); an exception its usual status (400 bad
 * input, 404 unknown id, 409 conflict, 503 store unavailable or lock timeout, else 500).
 *
 * <pre>{@code
 * DeductionResult result = ledger.deductCredits(DeductRequest.of(accountId, feature));
 * if (!result.success()) {
 *     return CreditsProblems.response(result);   // 402 application/problem+json with required and available
 * }
 * }</pre>
 *
 * <p>The {@code type} is {@code urn:credits:rejection:<reason>} or {@code urn:credits:error:<exception>} (lowercase,
 * words joined by {@code -}); the reason is also a {@code reason} property, so clients can switch on it.
 */
public final class CreditsProblems {

    private CreditsProblems() {
    }

    /** @return the problem of a rejection, with {@code reason} */
    public static ProblemDetail of(RejectionReason reason, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(reason.httpStatus()), detail);
        problem.setType(URI.create("urn:credits:rejection:" + kebab(reason.name())));
        problem.setTitle(title(reason.name()));
        problem.setProperty("reason", reason.name());
        return problem;
    }

    /**
     * @return the problem of a rejected deduction, with {@code reason}, {@code required} and {@code available}
     * @throws IllegalArgumentException if the deduction succeeded
     */
    public static ProblemDetail of(DeductionResult result) {
        return shortfall(result.reason(), result.featureKey(), result.required(), result.available());
    }

    /** @return the problem of a failed check (see {@link #of(DeductionResult)}) */
    public static ProblemDetail of(CheckResult result) {
        return shortfall(result.reason(), result.featureKey(), result.required(), result.available());
    }

    /** @return the problem of a rejected reservation (see {@link #of(DeductionResult)}) */
    public static ProblemDetail of(ReservationResult result) {
        return shortfall(result.reason(), null, result.required(), result.available());
    }

    private static ProblemDetail shortfall(RejectionReason rejection, String featureKey, long required, long available) {
        RejectionReason reason = rejected(rejection);
        ProblemDetail problem = of(reason, describe(reason, featureKey, required, available));
        if (featureKey != null) {
            problem.setProperty("featureKey", featureKey);
        }
        problem.setProperty("required", required);
        problem.setProperty("available", available);
        return problem;
    }

    /** @return the problem of a ledger exception, with its status (see the class comment) */
    public static ProblemDetail of(CreditsException exception) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status(exception), exception.getMessage());
        String name = exception.getClass().getSimpleName().replaceFirst("Exception$", "");
        problem.setType(URI.create("urn:credits:error:" + kebab(name)));
        problem.setTitle(title(name));
        return problem;
    }

    /** @return {@link #of(DeductionResult)} as a response entity, ready to return from a controller */
    public static ResponseEntity<ProblemDetail> response(DeductionResult result) {
        return ResponseEntity.of(of(result)).build();
    }

    /** @return {@link #of(CreditsException)} as a response entity */
    public static ResponseEntity<ProblemDetail> response(CreditsException exception) {
        return ResponseEntity.of(of(exception)).build();
    }

    /** @return the HTTP status a host usually answers for this exception */
    public static HttpStatus status(CreditsException e) {
        if (e instanceof InvalidArgumentException) {
            return HttpStatus.BAD_REQUEST;
        }
        if (e instanceof UnknownAccountException || e instanceof UnknownFeatureException
                || e instanceof UnknownHoldException || e instanceof UnknownTransactionException
                || e instanceof UnknownPurchaseException || e instanceof UnknownPlanException
                || e instanceof UnknownConsumerException || e instanceof UnknownDisputeException) {
            return HttpStatus.NOT_FOUND;
        }
        if (e instanceof IdempotencyConflictException || e instanceof DuplicateFeatureException
                || e instanceof HoldStateException || e instanceof PurchaseStateException
                || e instanceof RefundLimitException || e instanceof PromotionExhaustedException
                || e instanceof TransactionConflictException || e instanceof LeaseLostException
                || e instanceof ChargeDisputeStateException) {
            return HttpStatus.CONFLICT;
        }
        if (e instanceof StoreUnavailableException || e instanceof LockTimeoutException) {
            return HttpStatus.SERVICE_UNAVAILABLE;
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    private static RejectionReason rejected(RejectionReason reason) {
        if (reason == null) {
            throw new IllegalArgumentException("the result is no rejection");
        }
        return reason;
    }

    private static String describe(RejectionReason reason, String featureKey, long required, long available) {
        if (reason == RejectionReason.INSUFFICIENT_CREDITS) {
            return "needs " + required + " credits, " + available + " available";
        }
        return featureKey == null ? title(reason.name()) : title(reason.name()) + ": " + featureKey;
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z])([A-Z])", "$1-$2").replace('_', '-').toLowerCase(Locale.ROOT);
    }

    private static String title(String name) {
        String words = kebab(name).replace('-', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
