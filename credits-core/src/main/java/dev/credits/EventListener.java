package dev.credits;

/**
 * Handles the events an {@link EventDispatcher} delivers, one at a time, in position order. Delivery is at least
 * once (after a crash or a lost lease an event comes again): make the handler idempotent, keyed by
 * {@link CreditEvent#eventId()}. Throwing stops the batch at that event, which is delivered again after a backoff.
 */
@FunctionalInterface
public interface EventListener {
    void onEvent(CreditEvent event) throws Exception;
}
