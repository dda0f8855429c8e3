package dev.credits.jdbc.spring;

import dev.credits.LedgerCall;
import dev.credits.LedgerObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * Ledger calls as Micrometer meters:
 * <ul>
 * <li>{@code credits.calls} (timer: count and latency), tags {@code call} (e.g. {@code deductCredits},
 * {@code commerce.purchase}), {@code outcome} ({@code success}, {@code rejected}, {@code failed}) and
 * {@code exception} (the simple class name of what a failed call threw, else {@code none});</li>
 * <li>{@code credits.rejections} (counter), tags {@code call} and {@code reason} (e.g.
 * {@code INSUFFICIENT_CREDITS}).</li>
 * </ul>
 * Tags hold no account ids, so the number of series stays bounded.
 */
public class MicrometerLedgerObserver implements LedgerObserver {
    private final MeterRegistry registry;

    /** @param registry where the meters go */
    public MicrometerLedgerObserver(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onCall(LedgerCall call) {
        Timer.builder("credits.calls")
                .description("Calls of the credits ledger")
                .tag("call", call.name())
                .tag("outcome", call.outcome().name().toLowerCase(java.util.Locale.ROOT))
                .tag("exception", call.failure() == null ? "none" : call.failure().getClass().getSimpleName())
                .register(registry)
                .record(call.durationNanos(), TimeUnit.NANOSECONDS);
        if (call.rejection() != null) {
            Counter.builder("credits.rejections")
                    .description("Calls of the credits ledger answered with a rejection")
                    .tag("call", call.name())
                    .tag("reason", call.rejection().name())
                    .register(registry)
                    .increment();
        }
    }
}
