package dev.credits;

/**
 * Told about every public call of a {@link CreditLedger} and of its areas ({@link CreditLedger#commerce()},
 * {@link CreditLedger#plans()}): for in-process metrics, tracing or logging. Register one with
 * {@link CreditLedger.Builder#observer(LedgerObserver)}; the Spring Boot auto-configuration binds Micrometer meters
 * through it.
 *
 * <pre>{@code
 * CreditLedger ledger = CreditLedger.builder()
 *         .store(store)
 *         .observer(call -> log.debug("{} on {}: {} in {}", call.name(), call.accountId(), call.outcome(),
 *                 call.duration()))
 *         .build();
 * }</pre>
 *
 * <p>It runs on the caller's thread after the call returned or threw, so it should be quick and thread-safe. An
 * exception it throws is logged and dropped: observation never changes what the call returns. A call that
 * delegates to another ({@code deductCredits(accountId, featureKey)} to {@code deductCredits(request)}) is
 * reported once. With no observer registered, a call costs one extra branch.
 */
@FunctionalInterface
public interface LedgerObserver {

    /** @param call the call that just ended */
    void onCall(LedgerCall call);
}
