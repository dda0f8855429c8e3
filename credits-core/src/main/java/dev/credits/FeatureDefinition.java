package dev.credits;

/**
 * What a host writes into the price list: create or update a feature with it. Immutable; start with
 * {@link #of(String, String, long)} and add the rest with the {@code with...} methods.
 *
 * <pre>{@code
 * ledger.createFeaturePricing(FeatureDefinition.of("virtual_staging", "Virtual staging", 10)
 *         .withCategory("staging")
 *         .withDescription("One staged variant of a room"));
 * }</pre>
 *
 * @param featureKey     lowercase words joined by {@code _} (letters and digits), at most 128 characters
 * @param featureName    display name, not blank
 * @param category       optional grouping
 * @param creditsPerUnit credits one unit costs, at least 0
 * @param creditType     the balance it is paid from; default {@value CreditLedger#DEFAULT_CREDIT_TYPE}
 * @param description    optional free text
 * @param active         whether it can be used; default true
 */
public record FeatureDefinition(String featureKey, String featureName, String category, long creditsPerUnit,
                                String creditType, String description, boolean active) {

    /** @return an active feature in the default credit type */
    public static FeatureDefinition of(String featureKey, String featureName, long creditsPerUnit) {
        return new FeatureDefinition(featureKey, featureName, null, creditsPerUnit,
                CreditLedger.DEFAULT_CREDIT_TYPE, null, true);
    }

    public FeatureDefinition withFeatureName(String newName) {
        return new FeatureDefinition(featureKey, newName, category, creditsPerUnit, creditType, description, active);
    }

    public FeatureDefinition withCategory(String newCategory) {
        return new FeatureDefinition(featureKey, featureName, newCategory, creditsPerUnit, creditType, description,
                active);
    }

    public FeatureDefinition withCreditsPerUnit(long credits) {
        return new FeatureDefinition(featureKey, featureName, category, credits, creditType, description, active);
    }

    public FeatureDefinition withCreditType(String newCreditType) {
        return new FeatureDefinition(featureKey, featureName, category, creditsPerUnit, newCreditType, description,
                active);
    }

    public FeatureDefinition withDescription(String newDescription) {
        return new FeatureDefinition(featureKey, featureName, category, creditsPerUnit, creditType, newDescription,
                active);
    }

    public FeatureDefinition withActive(boolean newActive) {
        return new FeatureDefinition(featureKey, featureName, category, creditsPerUnit, creditType, description,
                newActive);
    }
}
