package dev.credits;

/**
 * A price-list operation named a feature that does not exist. (Deducting or checking an unknown feature
 * is not an exception: it returns a rejection with {@link RejectionReason#UNKNOWN_FEATURE}.)
 */
public final class UnknownFeatureException extends CreditsException {
    private static final long serialVersionUID = 1L;
    private final String featureKey;

    public UnknownFeatureException(String featureKey) {
        super("unknown feature '" + featureKey + "'");
        this.featureKey = featureKey;
    }

    public String featureKey() {
        return featureKey;
    }
}
