package dev.credits.stripe.spring;

import dev.credits.stripe.StripeCredits;
import dev.credits.stripe.StripeEventRejectedException;
import dev.credits.stripe.WebhookOutcome;
import dev.credits.stripe.WebhookPayloadException;
import dev.credits.stripe.WebhookSignatureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Stripe webhook endpoint ({@code POST ${credits.stripe.webhook-path}}, default {@code /stripe/webhook}): verifies
 * the signature on the raw body and applies the event once. Answers 200 when the event was applied, a duplicate or
 * ignored; 400 when forged, stale or unreadable (nothing changed); 409 when it cannot be applied yet (an unknown
 * account, an event ahead of its purchase), so that Stripe delivers it again.
 */
@RestController
public class StripeWebhookController {
    private static final Logger LOG = LoggerFactory.getLogger(StripeWebhookController.class);

    private final StripeCredits stripe;

    /** @param stripe what applies the events */
    public StripeWebhookController(StripeCredits stripe) {
        this.stripe = stripe;
    }

    /** @return the status Stripe should see, with the outcome's status as text */
    @PostMapping(path = "${credits.stripe.webhook-path:/stripe/webhook}")
    public ResponseEntity<String> webhook(@RequestBody byte[] payload,
                                          @RequestHeader(name = "Stripe-Signature", required = false) String signature) {
        try {
            WebhookOutcome outcome = stripe.handleWebhook(payload, signature);
            return ResponseEntity.ok(outcome.status().name());
        } catch (WebhookSignatureException | WebhookPayloadException e) {
            LOG.warn("Stripe webhook refused: {}", e.getMessage());
            return ResponseEntity.badRequest().body(e.getMessage());
        } catch (StripeEventRejectedException e) {
            LOG.info("Stripe webhook not applied yet, Stripe will retry: {}", e.getMessage());
            return ResponseEntity.status(409).body(e.getMessage());
        }
    }
}
