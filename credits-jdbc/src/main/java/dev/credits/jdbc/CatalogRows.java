package dev.credits.jdbc;

import dev.credits.CreditPackage;
import dev.credits.FeaturePricing;
import dev.credits.Plan;
import dev.credits.Promotion;
import dev.credits.spi.CatalogTable;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Update;

import java.util.Map;
import java.util.function.BiFunction;

/**
 * One catalog table in SQL: its statements, the parameter that carries its key, how a row binds and how it maps. The
 * columns differ per table; {@link JdbiCreditStore}'s catalog runs every table through one code path with these.
 * Immutable; thread-safe.
 *
 * @param <T> the row type
 */
final class CatalogRows<T> {
    final CatalogTable<T> table;
    final String keyParameter;
    final String select;
    final String selectAll;
    final String insert;
    final String update;
    final String delete;
    final RowMapper<T> mapper;
    private final BiFunction<Update, T, Update> binder;

    private CatalogRows(CatalogTable<T> table, String keyParameter, String select, String selectAll, String insert,
                        String update, String delete, RowMapper<T> mapper, BiFunction<Update, T, Update> binder) {
        this.table = table;
        this.keyParameter = keyParameter;
        this.select = select;
        this.selectAll = selectAll;
        this.insert = insert;
        this.update = update;
        this.delete = delete;
        this.mapper = mapper;
        this.binder = binder;
    }

    /** @return the statement with every column of the row bound */
    Update bind(Update statement, T row) {
        return binder.apply(statement, row);
    }

    /** @return the four tables in the statements' dialect and prefix */
    static Map<CatalogTable<?>, CatalogRows<?>> of(SqlStatements sql) {
        return Map.of(
                CatalogTable.FEATURES, new CatalogRows<>(CatalogTable.FEATURES, "featureKey", sql.selectFeature(),
                        sql.selectFeatures(), sql.insertFeature(), sql.updateFeature(), sql.deleteFeature(),
                        Rows.FEATURE, CatalogRows::bindFeature),
                CatalogTable.PACKAGES, new CatalogRows<>(CatalogTable.PACKAGES, "packageId", sql.selectPackage(),
                        sql.selectPackages(), sql.insertPackage(), sql.updatePackage(), sql.deletePackage(),
                        Rows.PACKAGE, CatalogRows::bindPackage),
                CatalogTable.PLANS, new CatalogRows<>(CatalogTable.PLANS, "planId", sql.selectPlan(),
                        sql.selectPlans(), sql.insertPlan(), sql.updatePlan(), sql.deletePlan(),
                        Rows.PLAN, CatalogRows::bindPlan),
                CatalogTable.PROMOTIONS, new CatalogRows<>(CatalogTable.PROMOTIONS, "code", sql.selectPromotion(),
                        sql.selectPromotions(), sql.insertPromotion(), sql.updatePromotion(), sql.deletePromotion(),
                        Rows.PROMOTION, CatalogRows::bindPromotion));
    }

    private static Update bindFeature(Update statement, FeaturePricing feature) {
        return statement
                .bind("featureKey", feature.featureKey())
                .bind("featureName", feature.featureName())
                .bind("category", feature.category())
                .bind("creditsPerUnit", feature.creditsPerUnit())
                .bind("planPrices", Rows.jsonLongs(feature.planPrices()))
                .bind("freeRetries", feature.freeRetries())
                .bind("creditType", feature.creditType())
                .bind("description", feature.description())
                .bind("active", feature.active())
                .bind("createdAt", Rows.micros(feature.createdAt()))
                .bind("updatedAt", Rows.micros(feature.updatedAt()));
    }

    private static Update bindPackage(Update statement, CreditPackage creditPackage) {
        return statement
                .bind("packageId", creditPackage.packageId())
                .bind("name", creditPackage.name())
                .bind("credits", creditPackage.credits())
                .bind("priceAmount", Rows.moneyAmount(creditPackage.price()))
                .bind("priceScale", Rows.moneyScale(creditPackage.price()))
                .bind("priceCurrency", Rows.moneyCurrency(creditPackage.price()))
                .bind("creditType", creditPackage.creditType())
                .bind("validity", Rows.period(creditPackage.validity()))
                .bind("active", creditPackage.active());
    }

    private static Update bindPlan(Update statement, Plan plan) {
        return statement
                .bind("planId", plan.planId())
                .bind("name", plan.name())
                .bind("priceAmount", Rows.moneyAmount(plan.monthlyPrice()))
                .bind("priceScale", Rows.moneyScale(plan.monthlyPrice()))
                .bind("priceCurrency", Rows.moneyCurrency(plan.monthlyPrice()))
                .bind("allowances", Rows.jsonLongs(plan.allowances()))
                .bind("rolloverCap", plan.rolloverCap())
                .bind("canBuyCredits", plan.canBuyCredits())
                .bind("active", plan.active())
                .bind("planRules", Rows.planRules(plan));
    }

    /** Binds everything but the use count, which the statements never write (see {@link CatalogTable#PROMOTIONS}). */
    private static Update bindPromotion(Update statement, Promotion promotion) {
        return statement
                .bind("code", promotion.code())
                .bind("description", promotion.description())
                .bind("percentOff", promotion.percentOff())
                .bind("percentOffScale", Rows.decimalScale(promotion.percentOff()))
                .bind("amountOffAmount", Rows.moneyAmount(promotion.amountOff()))
                .bind("amountOffScale", Rows.moneyScale(promotion.amountOff()))
                .bind("amountOffCurrency", Rows.moneyCurrency(promotion.amountOff()))
                .bind("bonusCredits", promotion.bonusCredits())
                .bind("validFrom", Rows.microsOrNull(promotion.validFrom()))
                .bind("validUntil", Rows.microsOrNull(promotion.validUntil()))
                .bind("packageIds", Rows.jsonSet(promotion.packageIds()))
                .bind("maxUses", promotion.maxUses())
                .bind("maxUsesPerAccount", promotion.maxUsesPerAccount())
                .bind("active", promotion.active())
                .bind("planIds", Rows.jsonSet(promotion.planIds()));
    }
}
