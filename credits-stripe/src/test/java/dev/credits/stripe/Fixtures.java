package dev.credits.stripe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The Stripe event payloads in src/test/resources/stripe-fixtures (see the README there). */
final class Fixtures {

    static final List<String> ALL = List.of(
            "charge.dispute.closed.lost.json",
            "charge.dispute.closed.won.json",
            "charge.dispute.created.json",
            "charge.refunded.json",
            "charge.refunded.partial.json",
            "checkout.session.async_payment_failed.json",
            "checkout.session.async_payment_succeeded.json",
            "checkout.session.completed.async-unpaid.json",
            "checkout.session.completed.json",
            "checkout.session.completed.subscription.json",
            "customer.subscription.deleted.json",
            "customer.subscription.updated.json",
            "invoice.paid.json",
            "payment_intent.succeeded.json");

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/stripe-fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String string(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }
}
