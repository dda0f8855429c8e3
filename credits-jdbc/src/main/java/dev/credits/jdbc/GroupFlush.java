package dev.credits.jdbc;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes the commits of an embedded H2 database durable in groups, as a server database's group commit does: a
 * caller whose transaction has committed waits until a flush that started after its commit has written the
 * database file. One caller flushes while the others wait, and that flush covers every commit made before it
 * started, so concurrent calls share one file write instead of paying one each (H2's {@code WRITE_DELAY=0}
 * writes once per commit). Thread-safe.
 */
final class GroupFlush {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition flushed = lock.newCondition();
    private final Runnable flush;
    /** Commits that asked to be made durable, numbered in the order they asked. */
    private long requested;
    /** Every commit numbered up to this one is durable. */
    private long durable;
    private boolean flushing;

    /** @param flush writes every committed change to the file (H2: {@code CHECKPOINT}) */
    GroupFlush(Runnable flush) {
        this.flush = flush;
    }

    /**
     * Returns once everything committed before the call is durable. Call it after the commit returned.
     *
     * @throws RuntimeException what the flush threw (the commit happened but may not survive a crash)
     */
    void awaitDurable() {
        lock.lock();
        try {
            long ticket = ++requested;
            while (durable < ticket) {
                if (flushing) {
                    flushed.awaitUninterruptibly();
                    continue;
                }
                flushing = true;
                long covers = requested; // each of these committed before this flush starts
                RuntimeException failure = null;
                lock.unlock();
                try {
                    flush.run();
                } catch (RuntimeException e) {
                    failure = e;
                } finally {
                    lock.lock();
                    flushing = false;
                    if (failure == null) {
                        durable = Math.max(durable, covers);
                    }
                    flushed.signalAll();
                }
                if (failure != null) {
                    throw failure;
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
