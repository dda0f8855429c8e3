package dev.credits.internal;

import dev.credits.StoreUnavailableException;
import dev.credits.DuplicateFeatureException;
import dev.credits.FeatureDefinition;
import dev.credits.FeaturePricing;
import dev.credits.UnknownFeatureException;
import dev.credits.spi.CreditStore;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of the price list: features and their prices. Stateless apart from its collaborators; thread-safe.
 */
public final class PriceList {
    private final UnitOfWork uow;
    private final CreditStore store;

    public PriceList(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.store = store;
    }

    public FeaturePricing createFeature(FeatureDefinition definition) {
        FeaturePricing feature = toPricing(definition, null);
        if (!store.insertFeature(feature)) {
            throw new DuplicateFeatureException(feature.featureKey());
        }
        return feature;
    }

    public FeaturePricing updateFeature(FeatureDefinition definition) {
        checkDefinition(definition);
        FeaturePricing existing = store.findFeature(definition.featureKey())
                .orElseThrow(() -> new UnknownFeatureException(definition.featureKey()));
        FeaturePricing feature = toPricing(definition, existing.createdAt());
        if (!store.updateFeature(feature)) {
            throw new UnknownFeatureException(definition.featureKey());
        }
        return feature;
    }

    public FeaturePricing saveFeature(FeatureDefinition definition) {
        checkDefinition(definition);
        for (int attempt = 0; ; attempt++) {
            Optional<FeaturePricing> existing = store.findFeature(definition.featureKey());
            FeaturePricing feature = toPricing(definition, existing.map(FeaturePricing::createdAt).orElse(null));
            if (existing.isPresent() ? store.updateFeature(feature) : store.insertFeature(feature)) {
                return feature;
            }
            if (attempt == 3) {
                throw new StoreUnavailableException("feature '" + definition.featureKey() + "' keeps changing under concurrent saves; try again", null);
            }
        }
    }

    public FeaturePricing deactivateFeature(String featureKey) {
        Checks.featureKey(featureKey);
        FeaturePricing existing = store.findFeature(featureKey)
                .orElseThrow(() -> new UnknownFeatureException(featureKey));
        FeaturePricing feature = new FeaturePricing(featureKey, existing.featureName(), existing.category(),
                existing.creditsPerUnit(), existing.planPrices(), existing.freeRetries(), existing.creditType(),
                existing.description(), false, existing.createdAt(), uow.now());
        if (!store.updateFeature(feature)) {
            throw new UnknownFeatureException(featureKey);
        }
        return feature;
    }

    public boolean deleteFeature(String featureKey) {
        return store.deleteFeature(Checks.featureKey(featureKey));
    }

    public Optional<FeaturePricing> getFeature(String featureKey) {
        return store.findFeature(Checks.featureKey(featureKey));
    }

    public List<FeaturePricing> listFeatures(String category) {
        return store.listFeatures(category == null ? null : Checks.requiredText("category", category));
    }

    private FeaturePricing toPricing(FeatureDefinition definition, Instant createdAt) {
        checkDefinition(definition);
        Instant now = uow.now();
        return new FeaturePricing(definition.featureKey(), definition.featureName(), definition.category(),
                definition.creditsPerUnit(), definition.planPrices(), definition.freeRetries(),
                definition.creditType(), definition.description(), definition.active(),
                createdAt == null ? now : createdAt, now);
    }

    private static void checkDefinition(FeatureDefinition definition) {
        Checks.required("definition", definition);
        Checks.featureKey(definition.featureKey());
        Checks.requiredText("featureName", definition.featureName());
        if (definition.category() != null) {
            Checks.requiredText("category", definition.category());
        }
        Checks.notNegative("creditsPerUnit", definition.creditsPerUnit());
        for (Map.Entry<String, Long> price : definition.planPrices().entrySet()) {
            Checks.id("planPrices key", price.getKey());
            Checks.required("planPrices[" + price.getKey() + "]", price.getValue());
            Checks.notNegative("planPrices[" + price.getKey() + "]", price.getValue());
        }
        Checks.notNegative("freeRetries", definition.freeRetries());
        Checks.creditType(definition.creditType());
        Checks.text("description", definition.description());
    }
}
