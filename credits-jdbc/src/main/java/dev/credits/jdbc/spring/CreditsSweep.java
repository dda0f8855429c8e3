package dev.credits.jdbc.spring;

import dev.credits.CreditLedger;
import dev.credits.ExpiryReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link CreditLedger#expireDue()} every interval on one daemon thread while the application runs. Safe on
 * several nodes at once without a scheduler lock: the sweep works account by account under the account's lock and
 * re-reads what is due under it, so an expiry or a hold release is written once whichever node gets there first (the
 * others find nothing left to do).
 */
public class CreditsSweep implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(CreditsSweep.class);

    private final CreditLedger ledger;
    private final Duration interval;
    private ScheduledExecutorService executor;

    /**
     * @param ledger   the ledger to sweep
     * @param interval time between two sweeps
     */
    public CreditsSweep(CreditLedger ledger, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("credits.sweep.interval must be positive: " + interval);
        }
        this.ledger = ledger;
        this.interval = interval;
    }

    /** Sweeps once now; what the scheduled runs call. @return what the sweep did, or null if it failed */
    public ExpiryReport sweepNow() {
        try {
            return ledger.expireDue();
        } catch (RuntimeException e) {
            // The next run tries again; a failing sweep must not end the schedule.
            LOG.warn("credits sweep failed; retrying in {}", interval, e);
            return null;
        }
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "credits-sweep");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(this::sweepNow, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
