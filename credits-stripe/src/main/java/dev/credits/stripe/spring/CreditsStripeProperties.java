package dev.credits.stripe.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code credits.stripe.*} settings of {@link CreditsStripeAutoConfiguration}.
 *
 * <pre>
 * credits.stripe.webhook-secret=${STRIPE_WEBHOOK_SECRET}
 * credits.stripe.api-key=${STRIPE_SECRET_KEY}            # only for checkout sessions
 * credits.stripe.package-prices.starter=price_1Pga...
 * credits.stripe.plan-prices.pro=price_1Pgb...
 * </pre>
 */
@ConfigurationProperties(prefix = "credits.stripe")
public class CreditsStripeProperties {

    /** The webhook endpoint's signing secret (whsec_...); the endpoint exists only when it is set. */
    private String webhookSecret;

    /** Where the webhook endpoint listens (POST). */
    private String webhookPath = "/stripe/webhook";

    /** Stripe's secret API key, for checkout sessions; not needed for webhooks. */
    private String apiKey;

    /** Credit package id to Stripe price id. */
    private Map<String, String> packagePrices = new LinkedHashMap<>();

    /** Plan id to Stripe (recurring) price id. */
    private Map<String, String> planPrices = new LinkedHashMap<>();

    public String getWebhookSecret() {
        return webhookSecret;
    }

    public void setWebhookSecret(String webhookSecret) {
        this.webhookSecret = webhookSecret;
    }

    public String getWebhookPath() {
        return webhookPath;
    }

    public void setWebhookPath(String webhookPath) {
        this.webhookPath = webhookPath;
    }

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public Map<String, String> getPackagePrices() {
        return packagePrices;
    }

    public void setPackagePrices(Map<String, String> packagePrices) {
        this.packagePrices = packagePrices;
    }

    public Map<String, String> getPlanPrices() {
        return planPrices;
    }

    public void setPlanPrices(Map<String, String> planPrices) {
        this.planPrices = planPrices;
    }
}
