package dev.credits;

import java.time.Instant;

/**
 * One line of the price list, as stored. Immutable.
 *
 * @param featureKey     lowercase words joined by {@code _}, e.g. {@code seedream_text_to_image}
 * @param featureName    a display name
 * @param category       a grouping for listing, e.g. {@code "image"}, or null
 * @param creditsPerUnit what one unit costs
 * @param creditType     the balance it is paid from (default {@value CreditLedger#DEFAULT_CREDIT_TYPE})
 * @param description    free text, or null
 * @param active         whether it can be used; an inactive feature is rejected with
 *                       {@link RejectionReason#INACTIVE_FEATURE}
 * @param createdAt      when it was created
 * @param updatedAt      when it was last changed
 */
public record FeaturePricing(String featureKey, String featureName, String category, long creditsPerUnit,
                             String creditType, String description, boolean active, Instant createdAt,
                             Instant updatedAt) {
}
