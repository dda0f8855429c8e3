package dev.credits.jdbc;

import dev.credits.spi.CatalogTable;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.Update;

import java.util.Map;

/**
 * One catalog table in SQL: its statements, the parameter that carries its key, and its row definition
 * ({@link Tables}), which binds and maps its rows. The columns differ per table; {@link JdbiCreditStore}'s catalog runs every table through one code path with these.
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
    private final RowDefinition<T> definition;
    private final RowUpdate<T> updateByKey;

    private CatalogRows(CatalogTable<T> table, String keyParameter, String select, String selectAll, String insert,
                        String update, String delete, RowDefinition<T> definition, RowUpdate<T> updateByKey) {
        this.table = table;
        this.keyParameter = keyParameter;
        this.select = select;
        this.selectAll = selectAll;
        this.insert = insert;
        this.update = update;
        this.delete = delete;
        this.mapper = definition.mapper();
        this.definition = definition;
        this.updateByKey = updateByKey;
    }

    /** @return the {@link #insert} statement with every column of the row bound */
    Update bindInsert(Update statement, T row) {
        definition.bind(row, new JdbiParams(statement));
        return statement;
    }

    /** @return the {@link #update} statement with the row's columns and its key bound */
    Update bindUpdate(Update statement, T row) {
        updateByKey.bind(row, new JdbiParams(statement));
        return statement;
    }

    /** @return the four tables in the statements' dialect and prefix */
    static Map<CatalogTable<?>, CatalogRows<?>> of(SqlStatements sql) {
        return Map.of(
                CatalogTable.FEATURES, new CatalogRows<>(CatalogTable.FEATURES, "featureKey", sql.selectFeature(),
                        sql.selectFeatures(), sql.insertFeature(), sql.updateFeature(), sql.deleteFeature(),
                        Tables.FEATURES, Tables.FEATURE_UPDATE),
                CatalogTable.PACKAGES, new CatalogRows<>(CatalogTable.PACKAGES, "packageId", sql.selectPackage(),
                        sql.selectPackages(), sql.insertPackage(), sql.updatePackage(), sql.deletePackage(),
                        Tables.PACKAGES, Tables.PACKAGE_UPDATE),
                CatalogTable.PLANS, new CatalogRows<>(CatalogTable.PLANS, "planId", sql.selectPlan(),
                        sql.selectPlans(), sql.insertPlan(), sql.updatePlan(), sql.deletePlan(),
                        Tables.PLANS, Tables.PLAN_UPDATE),
                CatalogTable.PROMOTIONS, new CatalogRows<>(CatalogTable.PROMOTIONS, "code", sql.selectPromotion(),
                        sql.selectPromotions(), sql.insertPromotion(), sql.updatePromotion(), sql.deletePromotion(),
                        Tables.PROMOTIONS, Tables.PROMOTION_UPDATE));
    }

    /** Binds positional parameters of a JDBI statement, typed (so that NULL is typed too). Not thread-safe. */
    static final class JdbiParams implements RowDefinition.Params {
        private final SqlStatement<?> statement;
        private int index;

        JdbiParams(SqlStatement<?> statement) {
            this.statement = statement;
        }

        @Override
        public void add(Object value, int sqlType) {
            if (value == null) {
                statement.bindNull(index++, sqlType);
            } else {
                statement.bindByType(index++, value, value.getClass());
            }
        }
    }
}
