package dev.credits;

import java.time.Instant;
import java.util.Map;

/**
 * One line of the price list, as stored. Immutable.
 *
 * @param featureKey     lowercase words joined by {@code _}, e.g. {@code seedream_text_to_image}
 * @param featureName    a display name
 * @param category       a grouping for listing, e.g. {@code "image"}, or null
 * @param creditsPerUnit what one unit costs (on a plan without a price of its own)
 * @param planPrices     credits per unit on particular plans, by plan id (empty: one price for all)
 * @param freeRetries    how many retries of one deduction are free (0: none)
 * @param creditType     the balance it is paid from (default {@value CreditLedger#DEFAULT_CREDIT_TYPE})
 * @param description    free text, or null
 * @param active         whether it can be used; an inactive feature is rejected with
 *                       {@link RejectionReason#INACTIVE_FEATURE}
 * @param createdAt      when it was created
 * @param updatedAt      when it was last changed
 */
public record FeaturePricing(String featureKey, String featureName, String category, long creditsPerUnit,
                             Map<String, Long> planPrices, int freeRetries, String creditType, String description,
                             boolean active, Instant createdAt, Instant updatedAt) {

    public FeaturePricing {
        planPrices = planPrices == null ? Map.of() : Map.copyOf(planPrices);
    }

    /**
     * @param planId the account's plan, or null
     * @return credits per unit on that plan: its own price if it has one, else {@link #creditsPerUnit()}
     */
    public long creditsPerUnit(String planId) {
        Long price = planId == null ? null : planPrices.get(planId);
        return price == null ? creditsPerUnit : price;
    }
}
