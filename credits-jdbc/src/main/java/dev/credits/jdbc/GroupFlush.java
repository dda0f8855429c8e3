package dev.credits.jdbc;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    /** Runs flushes on threads no caller can interrupt (daemon threads, made when a flush needs one). */
    private static final ExecutorService FLUSHER = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "credits-h2-flush");
        thread.setDaemon(true);
        return thread;
    });

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
                // The flush writes the file for every waiting caller: an interrupt of this one (pending, or arriving
                // while the file is written, which closes H2's file channel) must not fail theirs. It runs on a
                // thread of its own; this caller waits for it and keeps its interrupt.
                boolean interrupted = false;
                try {
                    Future<?> running = FLUSHER.submit(flush);
                    while (true) {
                        try {
                            running.get();
                            break;
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                } catch (ExecutionException e) {
                    failure = e.getCause() instanceof RuntimeException cause ? cause
                            : new IllegalStateException("the flush failed", e.getCause());
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
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
