package dev.credits;

/** {@link CreditLedger#createFeaturePricing(FeatureDefinition)} named a feature key that already exists. */
public final class DuplicateFeatureException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final String featureKey;

    public DuplicateFeatureException(String featureKey) {
        super("feature '" + featureKey + "' already exists");
        this.featureKey = featureKey;
    }

    public String featureKey() {
        return featureKey;
    }
}
