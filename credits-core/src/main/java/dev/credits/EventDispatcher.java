package dev.credits;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A thread that runs one named consumer: polls ({@link Events#poll}), hands each event to the listener in order,
 * acknowledges what it handled, sleeps while there is nothing new, and backs off when the listener or the store
 * fails (the failed event is delivered again). Start one per consumer on every node: the consumer's lease lets one
 * node at a time process, and another takes over within the lease duration when that node dies. Built with
 * {@link Events#dispatcher}; {@link #close()} stops it cleanly. Thread-safe.
 */
public final class EventDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    private final Events events;
    private final String consumer;
    private final EventListener listener;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration maxBackoff;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean running = true;
    private volatile long handled;
    private volatile long failures;

    private EventDispatcher(Builder builder) {
        this.events = builder.events;
        this.consumer = builder.consumer;
        this.listener = builder.listener;
        this.batchSize = builder.batchSize;
        this.pollInterval = builder.pollInterval;
        this.maxBackoff = builder.maxBackoff;
        this.thread = new Thread(this::run, "credits-events-" + consumer);
        this.thread.setDaemon(true);
    }

    /** @return how many events the listener handled so far */
    public long handled() {
        return handled;
    }

    /** @return how many times the listener or the store failed so far */
    public long failures() {
        return failures;
    }

    /** @return the consumer it runs */
    public String consumer() {
        return consumer;
    }

    private void run() {
        Duration backoff = pollInterval;
        while (running) {
            List<CreditEvent> batch;
            try {
                batch = events.poll(consumer, batchSize);
            } catch (CreditsException failure) {
                failures++;
                LOG.warn("event consumer '{}': poll failed, retrying in {} ms", consumer, backoff.toMillis(), failure);
                pause(backoff);
                backoff = next(backoff);
                continue;
            }
            if (batch.isEmpty()) {
                pause(pollInterval);
                continue;
            }
            long last = 0;
            Exception failed = null;
            for (CreditEvent event : batch) {
                if (!running) {
                    break;
                }
                try {
                    listener.onEvent(event);
                } catch (Exception e) {
                    failed = e;
                    break;
                }
                last = event.position();
                handled++;
            }
            try {
                if (last > 0) {
                    events.acknowledge(consumer, last);
                }
            } catch (CreditsException ackFailure) {
                failures++;
                LOG.warn("event consumer '{}': acknowledging position {} failed; the events come again", consumer,
                        last, ackFailure);
            }
            if (failed != null) {
                failures++;
                LOG.warn("event consumer '{}': the listener failed; the event comes again in {} ms", consumer,
                        backoff.toMillis(), failed);
                pause(backoff);
                backoff = next(backoff);
            } else {
                backoff = pollInterval;
            }
        }
        try {
            events.release(consumer);
        } catch (CreditsException e) {
            LOG.debug("event consumer '{}': releasing the lease failed; it lapses by itself", consumer, e);
        }
    }

    private Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
    }

    private void pause(Duration duration) {
        lock.lock();
        try {
            if (running) {
                wake.await(duration.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /** Stops polling, lets the event in hand finish, acknowledges it, gives up the lease and waits for the thread. */
    @Override
    public void close() {
        running = false;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Builds and starts an {@link EventDispatcher}. Defaults: batches of 100 events, a poll every second while idle,
     * backoff doubling from the poll interval up to 1 minute. Not thread-safe.
     */
    public static final class Builder {
        private final Events events;
        private final String consumer;
        private final EventListener listener;
        private int batchSize = 100;
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofMinutes(1);

        Builder(Events events, String consumer, EventListener listener) {
            this.events = events;
            this.consumer = consumer;
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        /** Events per poll (1 to 10000; default 100). */
        public Builder batchSize(int size) {
            if (size <= 0 || size > 10_000) {
                throw new IllegalArgumentException("batchSize must be in [1, 10000]: " + size);
            }
            this.batchSize = size;
            return this;
        }

        /** How long it sleeps when there is nothing new (default 1 second). */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = positive(interval, "pollInterval");
            return this;
        }

        /** The longest backoff after failures (default 1 minute). */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = positive(backoff, "maxBackoff");
            return this;
        }

        /** @return the dispatcher, its thread started */
        public EventDispatcher start() {
            EventDispatcher dispatcher = new EventDispatcher(this);
            dispatcher.thread.start();
            return dispatcher;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
