package dev.credits.stripe.internal;

import dev.credits.InvalidArgumentException;
import dev.credits.stripe.CheckoutMode;
import dev.credits.stripe.CheckoutSessionRequest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Stripe's form encoding ({@code application/x-www-form-urlencoded}, bracket keys). Not API. */
public final class Form {

    private Form() {
    }

    /**
     * @param request the request
     * @return the form fields of {@code POST /v1/checkout/sessions}, in a stable order
     * @throws InvalidArgumentException if an extra parameter names one credits sets
     */
    public static Map<String, String> checkoutSession(CheckoutSessionRequest request) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("mode", request.mode().wireValue());
        if (request.inlinePrice() != null) {
            form.put("line_items[0][price_data][currency]", request.inlinePrice().currency());
            form.put("line_items[0][price_data][unit_amount]", Long.toString(request.inlinePrice().minorUnits()));
            form.put("line_items[0][price_data][product_data][name]", request.inlinePrice().productName());
        } else {
            form.put("line_items[0][price]", request.priceId());
        }
        form.put("line_items[0][quantity]", Long.toString(request.quantity()));
        form.put("success_url", request.successUrl());
        form.put("cancel_url", request.cancelUrl());
        putIfSet(form, "client_reference_id", request.clientReferenceId());
        putIfSet(form, "customer", request.customerId());
        putIfSet(form, "customer_email", request.customerEmail());
        // On the session, and on what it creates, so refunds, disputes and renewals can be traced back.
        String child = request.mode() == CheckoutMode.PAYMENT ? "payment_intent_data" : "subscription_data";
        request.metadata().forEach((k, v) -> {
            form.put("metadata[" + k + "]", v);
            form.put(child + "[metadata][" + k + "]", v);
        });
        for (Map.Entry<String, String> e : request.extraParams().entrySet()) {
            if (form.containsKey(e.getKey())) {
                throw new InvalidArgumentException("extraParams",
                        "'" + e.getKey() + "' is set by credits and cannot be overridden");
            }
            form.put(e.getKey(), e.getValue());
        }
        return form;
    }

    private static void putIfSet(Map<String, String> form, String key, String value) {
        if (value != null) {
            form.put(key, value);
        }
    }

    /**
     * @param form the fields
     * @return {@code k=v&...}, URL-encoded as UTF-8; square brackets in keys are kept literal, as Stripe's
     *         libraries send them (readable in logs, and accepted either way)
     */
    public static String encode(Map<String, String> form) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(encodeKey(k) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return body.toString();
    }

    private static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%5B", "[").replace("%5D", "]");
    }
}
