package dev.credits;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A partial update of a feature of the price list (seed 004's {@code PATCH /api/admin/feature-pricing/[id]}): only
 * the fields set change, the rest stay as stored. Immutable; start with {@link #of()}. Usable as a JSON request
 * body: a field left out (null) is not changed.
 *
 * <pre>{@code
 * ledger.updateFeaturePricing("virtual_staging", FeatureUpdate.of().withCreditsPerUnit(12));
 * }</pre>
 *
 * @param featureName    a new display name, or null
 * @param category       a new category, or null
 * @param creditsPerUnit a new price per unit, or null
 * @param planPrices     new plan prices (replacing all of them), or null
 * @param freeRetries    a new number of free retries, or null
 * @param description    a new description, or null
 */
public record FeatureUpdate(String featureName, String category, Long creditsPerUnit, Map<String, Long> planPrices,
                            Integer freeRetries, String description) {

    private static final FeatureUpdate NONE = new FeatureUpdate(null, null, null, null, null, null);

    public FeatureUpdate {
        planPrices = planPrices == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(planPrices));
    }

    /** @return an update that changes nothing yet */
    public static FeatureUpdate of() {
        return NONE;
    }

    public FeatureUpdate withFeatureName(String value) {
        return new FeatureUpdate(value, category, creditsPerUnit, planPrices, freeRetries, description);
    }

    public FeatureUpdate withCategory(String value) {
        return new FeatureUpdate(featureName, value, creditsPerUnit, planPrices, freeRetries, description);
    }

    public FeatureUpdate withCreditsPerUnit(long value) {
        return new FeatureUpdate(featureName, category, value, planPrices, freeRetries, description);
    }

    public FeatureUpdate withPlanPrices(Map<String, Long> value) {
        return new FeatureUpdate(featureName, category, creditsPerUnit, value, freeRetries, description);
    }

    public FeatureUpdate withFreeRetries(int value) {
        return new FeatureUpdate(featureName, category, creditsPerUnit, planPrices, value, description);
    }

    public FeatureUpdate withDescription(String value) {
        return new FeatureUpdate(featureName, category, creditsPerUnit, planPrices, freeRetries, value);
    }

    /** @return the definition this update makes of {@code current} */
    public FeatureDefinition applyTo(FeaturePricing current) {
        return new FeatureDefinition(current.featureKey(), featureName == null ? current.featureName() : featureName,
                category == null ? current.category() : category,
                creditsPerUnit == null ? current.creditsPerUnit() : creditsPerUnit,
                planPrices == null ? current.planPrices() : planPrices,
                freeRetries == null ? current.freeRetries() : freeRetries, current.creditType(),
                description == null ? current.description() : description, current.active());
    }
}
