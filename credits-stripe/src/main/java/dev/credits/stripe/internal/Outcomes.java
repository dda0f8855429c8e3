package dev.credits.stripe.internal;

import dev.credits.stripe.StripeEvent;
import dev.credits.stripe.StripeEventRejectedException;
import dev.credits.stripe.StripeEventRejectedException.Reason;
import dev.credits.stripe.WebhookOutcome;
import dev.credits.stripe.WebhookOutcome.Result;
import dev.credits.stripe.WebhookOutcome.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the event handlers answer: an outcome, or a refusal (logged). Not API. */
final class Outcomes {

    /**
     * The one logger of webhook handling. Named as the facade was before the handlers were split out of it, so a
     * host's log configuration for {@code dev.credits.stripe.StripeCredits} still applies.
     */
    static final Logger LOG = LoggerFactory.getLogger("dev.credits.stripe.StripeCredits");

    private Outcomes() {
    }

    static WebhookOutcome outcome(StripeEvent event, Status status, String accountId, String description,
                                  Result result) {
        return new WebhookOutcome(event.id(), event.type(), status, accountId, description, result);
    }

    /** An outcome without a ledger answer. */
    static WebhookOutcome outcome(StripeEvent event, Status status, String accountId, String description) {
        return outcome(event, status, accountId, description, WebhookOutcome.NoResult.INSTANCE);
    }

    static StripeEventRejectedException reject(StripeEvent event, Reason reason, String message, Throwable cause) {
        StripeEventRejectedException e = new StripeEventRejectedException(event.id(), event.type(), reason, message,
                cause);
        LOG.warn("{}", e.getMessage());
        return e;
    }
}
