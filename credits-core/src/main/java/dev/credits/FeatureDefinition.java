package dev.credits;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a host writes into the price list: create or update a feature with it. Immutable; start with
 * {@link #of(String, String, long)} and add the rest with the {@code with...} methods.
 *
 * <pre>{@code
 * ledger.createFeaturePricing(FeatureDefinition.of("virtual_staging", "Virtual staging", 10)
 *         .withCategory("staging")
 *         .withDescription("One staged variant of a room")
 *         .withPlanPrice("professional", 8)
 *         .withFreeRetries(2));
 * }</pre>
 *
 * @param featureKey     lowercase words joined by {@code _} (letters and digits), at most 128 characters
 * @param featureName    display name, not blank
 * @param category       optional grouping
 * @param creditsPerUnit credits one unit costs, at least 0
 * @param planPrices     credits per unit on particular plans, by plan id (default empty)
 * @param freeRetries    how many retries of one deduction are free, at least 0 (default 0)
 * @param creditType     the balance it is paid from; default {@value CreditLedger#DEFAULT_CREDIT_TYPE}
 * @param description    optional free text
 * @param active         whether it can be used; default (null) true
 *
 * <p>Usable as a JSON request body as it is (Jackson 2.12+ binds records through their canonical constructor): only
 * {@code featureKey}, {@code featureName} and {@code creditsPerUnit} are needed, a missing {@code creditType} means
 * {@value CreditLedger#DEFAULT_CREDIT_TYPE} and a missing {@code active} means true.
 */
public record FeatureDefinition(String featureKey, String featureName, String category, long creditsPerUnit,
                                Map<String, Long> planPrices, int freeRetries, String creditType,
                                String description, Boolean active) {

    public FeatureDefinition {
        // A copy, so the definition stays immutable; null entries are kept for the ledger to reject clearly.
        planPrices = planPrices == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(planPrices));
        // Defaults for what a JSON body leaves out.
        creditType = creditType == null ? CreditLedger.DEFAULT_CREDIT_TYPE : creditType;
        active = active == null ? Boolean.TRUE : active;
    }

    /** @return an active feature in the default credit type */
    public static FeatureDefinition of(String featureKey, String featureName, long creditsPerUnit) {
        return new FeatureDefinition(featureKey, featureName, null, creditsPerUnit, Map.of(), 0,
                CreditLedger.DEFAULT_CREDIT_TYPE, null, true);
    }

    public FeatureDefinition withFeatureName(String value) {
        return new FeatureDefinition(featureKey, value, category, creditsPerUnit, planPrices, freeRetries, creditType,
                description, active);
    }

    public FeatureDefinition withCategory(String value) {
        return new FeatureDefinition(featureKey, featureName, value, creditsPerUnit, planPrices, freeRetries,
                creditType, description, active);
    }

    public FeatureDefinition withCreditsPerUnit(long value) {
        return new FeatureDefinition(featureKey, featureName, category, value, planPrices, freeRetries, creditType,
                description, active);
    }

    /** @return a copy where accounts on {@code planId} pay {@code credits} per unit */
    public FeatureDefinition withPlanPrice(String planId, long credits) {
        Map<String, Long> prices = new LinkedHashMap<>(planPrices);
        prices.put(planId, credits);
        return withPlanPrices(prices);
    }

    /** @return a copy with these per-plan prices (replacing the earlier ones) */
    public FeatureDefinition withPlanPrices(Map<String, Long> value) {
        return new FeatureDefinition(featureKey, featureName, category, creditsPerUnit, value, freeRetries,
                creditType, description, active);
    }

    /** @return a copy where the first {@code value} retries of a deduction are free */
    public FeatureDefinition withFreeRetries(int value) {
        return new FeatureDefinition(featureKey, featureName, category, creditsPerUnit, planPrices, value,
                creditType, description, active);
    }

    public FeatureDefinition withCreditType(String value) {
        return new FeatureDefinition(featureKey, featureName, category, creditsPerUnit, planPrices, freeRetries,
                value, description, active);
    }

    public FeatureDefinition withDescription(String value) {
        return new FeatureDefinition(featureKey, featureName, category, creditsPerUnit, planPrices, freeRetries,
                creditType, value, active);
    }

    public FeatureDefinition withActive(boolean value) {
        return new FeatureDefinition(featureKey, featureName, category, creditsPerUnit, planPrices, freeRetries,
                creditType, description, value);
    }
}
