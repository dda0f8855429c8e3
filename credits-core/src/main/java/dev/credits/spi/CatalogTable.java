package dev.credits.spi;

import dev.credits.CreditPackage;
import dev.credits.FeaturePricing;
import dev.credits.Plan;
import dev.credits.Promotion;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One table of the catalog a {@link CatalogStore} keeps: its name, its row type and the key that identifies a row.
 * The four tables are constants; a store keeps one table per constant (the JDBC store with its own columns per
 * table). Immutable; thread-safe.
 *
 * @param <T> the row type
 */
public final class CatalogTable<T> {

    /** The price list, keyed by {@link FeaturePricing#featureKey()}. */
    public static final CatalogTable<FeaturePricing> FEATURES =
            new CatalogTable<>("features", FeaturePricing.class, FeaturePricing::featureKey);

    /** Credit packages, keyed by {@link CreditPackage#packageId()}. */
    public static final CatalogTable<CreditPackage> PACKAGES =
            new CatalogTable<>("packages", CreditPackage.class, CreditPackage::packageId);

    /** Plans, keyed by {@link Plan#planId()}. */
    public static final CatalogTable<Plan> PLANS = new CatalogTable<>("plans", Plan.class, Plan::planId);

    /**
     * Promotion codes, keyed by {@link Promotion#code()}. Their use count is the store's, changed only by
     * {@link PromotionUse}s of a {@link ChangeSet}: a row inserted starts at 0 uses, a row updated or saved keeps its
     * count, and {@link Promotion#uses()} of a row written is ignored.
     */
    public static final CatalogTable<Promotion> PROMOTIONS =
            new CatalogTable<>("promotions", Promotion.class, Promotion::code);

    private static final List<CatalogTable<?>> ALL = List.of(FEATURES, PACKAGES, PLANS, PROMOTIONS);

    private final String name;
    private final Class<T> rowType;
    private final Function<T, String> key;

    private CatalogTable(String name, Class<T> rowType, Function<T, String> key) {
        this.name = name;
        this.rowType = rowType;
        this.key = key;
    }

    /** @return every catalog table */
    public static List<CatalogTable<?>> all() {
        return ALL;
    }

    /** @return the table's name, lowercase ({@code "features"}, ...) */
    public String name() {
        return name;
    }

    /** @return the type of its rows */
    public Class<T> rowType() {
        return rowType;
    }

    /** @return the key of a row of this table */
    public String keyOf(T row) {
        return key.apply(Objects.requireNonNull(row, "row"));
    }

    @Override
    public String toString() {
        return name;
    }
}
