package dev.credits.internal;

import dev.credits.DuplicateFeatureException;
import dev.credits.FeatureDefinition;
import dev.credits.FeaturePricing;
import dev.credits.UnknownFeatureException;
import dev.credits.spi.CatalogStore;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.CreditStore;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of the price list: features and their prices. Stateless apart from its collaborators; thread-safe.
 */
public final class PriceList {
    private static final CatalogTable<FeaturePricing> FEATURES = CatalogTable.FEATURES;

    private final UnitOfWork uow;
    private final CatalogStore catalog;

    public PriceList(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.catalog = store.catalog();
    }

    public FeaturePricing createFeature(FeatureDefinition definition) {
        FeaturePricing feature = toPricing(definition, null);
        if (!catalog.insert(FEATURES, feature)) {
            throw new DuplicateFeatureException(feature.featureKey());
        }
        return feature;
    }

    public FeaturePricing updateFeature(FeatureDefinition definition) {
        checkDefinition(definition);
        FeaturePricing existing = catalog.find(FEATURES, definition.featureKey())
                .orElseThrow(() -> new UnknownFeatureException(definition.featureKey()));
        FeaturePricing feature = toPricing(definition, existing.createdAt());
        if (!catalog.update(FEATURES, feature)) {
            throw new UnknownFeatureException(definition.featureKey());
        }
        return feature;
    }

    public FeaturePricing saveFeature(FeatureDefinition definition) {
        checkDefinition(definition);
        // Keeps the creation time of a feature that exists; of concurrent saves the last one wins whole.
        Optional<FeaturePricing> existing = catalog.find(FEATURES, definition.featureKey());
        FeaturePricing feature = toPricing(definition, existing.map(FeaturePricing::createdAt).orElse(null));
        catalog.save(FEATURES, feature);
        return feature;
    }

    public FeaturePricing deactivateFeature(String featureKey) {
        Checks.featureKey(featureKey);
        FeaturePricing existing = catalog.find(FEATURES, featureKey)
                .orElseThrow(() -> new UnknownFeatureException(featureKey));
        FeaturePricing feature = new FeaturePricing(featureKey, existing.featureName(), existing.category(),
                existing.creditsPerUnit(), existing.planPrices(), existing.freeRetries(), existing.creditType(),
                existing.description(), false, existing.createdAt(), uow.now());
        if (!catalog.update(FEATURES, feature)) {
            throw new UnknownFeatureException(featureKey);
        }
        return feature;
    }

    public boolean deleteFeature(String featureKey) {
        return catalog.delete(FEATURES, Checks.featureKey(featureKey));
    }

    public Optional<FeaturePricing> getFeature(String featureKey) {
        return catalog.find(FEATURES, Checks.featureKey(featureKey));
    }

    public List<FeaturePricing> listFeatures(String category) {
        String wanted = category == null ? null : Checks.requiredText("category", category);
        return catalog.list(FEATURES).stream()
                .filter(feature -> wanted == null || wanted.equals(feature.category()))
                .toList();
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
