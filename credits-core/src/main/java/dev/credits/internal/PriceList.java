package dev.credits.internal;

import dev.credits.AuditAction;
import dev.credits.DuplicateFeatureException;
import dev.credits.FeatureDefinition;
import dev.credits.FeaturePricing;
import dev.credits.FeatureUpdate;
import dev.credits.UnknownFeatureException;
import dev.credits.spi.CatalogChange;
import dev.credits.spi.CatalogChange.Kind;
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
        if (!write(Kind.INSERT, AuditAction.FEATURE_CREATED, null, feature)) {
            throw new DuplicateFeatureException(feature.featureKey());
        }
        return feature;
    }

    public FeaturePricing updateFeature(FeatureDefinition definition) {
        checkDefinition(definition);
        FeaturePricing existing = existing(definition.featureKey());
        FeaturePricing feature = toPricing(definition, existing.createdAt());
        if (!write(Kind.UPDATE, AuditAction.FEATURE_UPDATED, existing, feature)) {
            throw new UnknownFeatureException(definition.featureKey());
        }
        return feature;
    }

    /** Changes only the fields the update sets. */
    public FeaturePricing updateFeature(String featureKey, FeatureUpdate update) {
        Checks.featureKey(featureKey);
        Checks.required("update", update);
        return updateFeature(update.applyTo(existing(featureKey)));
    }

    public FeaturePricing saveFeature(FeatureDefinition definition) {
        checkDefinition(definition);
        // Keeps the creation time of a feature that exists; of concurrent saves the last one wins whole.
        Optional<FeaturePricing> existing = catalog.find(FEATURES, definition.featureKey());
        FeaturePricing feature = toPricing(definition, existing.map(FeaturePricing::createdAt).orElse(null));
        write(Kind.SAVE, existing.isPresent() ? AuditAction.FEATURE_UPDATED : AuditAction.FEATURE_CREATED,
                existing.orElse(null), feature);
        return feature;
    }

    public FeaturePricing deactivateFeature(String featureKey) {
        return setActive(featureKey, false);
    }

    public FeaturePricing reactivateFeature(String featureKey) {
        return setActive(featureKey, true);
    }

    private FeaturePricing setActive(String featureKey, boolean active) {
        Checks.featureKey(featureKey);
        FeaturePricing existing = existing(featureKey);
        if (existing.active() == active) {
            return existing;
        }
        FeaturePricing feature = new FeaturePricing(featureKey, existing.featureName(), existing.category(),
                existing.creditsPerUnit(), existing.planPrices(), existing.freeRetries(), existing.creditType(),
                existing.description(), active, existing.createdAt(), uow.now());
        if (!write(Kind.UPDATE, active ? AuditAction.FEATURE_REACTIVATED : AuditAction.FEATURE_DEACTIVATED, existing,
                feature)) {
            throw new UnknownFeatureException(featureKey);
        }
        return feature;
    }

    public boolean deleteFeature(String featureKey) {
        Checks.featureKey(featureKey);
        Optional<FeaturePricing> existing = catalog.find(FEATURES, featureKey);
        return existing.isPresent() && uow.writeCatalog(CatalogChange.delete(FEATURES, featureKey),
                AuditAction.FEATURE_DELETED, existing.get(), null);
    }

    private FeaturePricing existing(String featureKey) {
        return catalog.find(FEATURES, featureKey).orElseThrow(() -> new UnknownFeatureException(featureKey));
    }

    private boolean write(Kind kind, AuditAction action, FeaturePricing before, FeaturePricing after) {
        return uow.writeCatalog(CatalogChange.of(FEATURES, kind, after), action, before, after);
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
