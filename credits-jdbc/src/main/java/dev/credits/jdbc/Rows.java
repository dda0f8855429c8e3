package dev.credits.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credits.AllowancePeriod;
import dev.credits.InvalidArgumentException;
import dev.credits.Lot;
import dev.credits.Money;
import dev.credits.Plan;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.Period;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Conversions between the value types and their columns, and the row mappers. Stateless; thread-safe.
 *
 * <p>Instants are stored as microseconds since the epoch: an instant with a sub-microsecond part loses it
 * (truncated towards the past), so a value read back equals the written one whenever it is in whole
 * microseconds or coarser. The ledger only hands over whole milliseconds in [0001-01-01, 9999-12-31]
 * ({@code CreditLedger.MIN_INSTANT} to {@code MAX_INSTANT}).
 *
 * <p>Money is stored as DECIMAL(38,18) and its scale: the ledger only hands over amounts that fit
 * ({@code Money.MAX_SCALE} decimals, {@code Money.MAX_INTEGER_DIGITS} integer digits; the rule lives in
 * credits-core), so every amount reads back equal, scale included.
 */
final class Rows {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Long>> LONG_MAP = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {
    };

    private Rows() {
    }

    // ---------------------------------------------------------------- instants

    /** @return microseconds since the epoch, sub-microsecond part dropped (floor) */
    static long micros(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
        } catch (ArithmeticException e) {
            throw new InvalidArgumentException("instant", "out of the storable range (+/-292,000 years): " + instant);
        }
    }

    static Long microsOrNull(Instant instant) {
        return instant == null ? null : micros(instant);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : instant(value);
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    // ---------------------------------------------------------------- money

    /** @return the amount as stored in DECIMAL(38,18) */
    static BigDecimal moneyAmount(Money money) {
        return money == null ? null : money.amount();
    }

    /** @return the scale to restore on read: the amount's own */
    static Integer moneyScale(Money money) {
        return money == null ? null : money.amount().scale();
    }

    static String moneyCurrency(Money money) {
        return money == null ? null : money.currency().getCurrencyCode();
    }

    static Money money(ResultSet rs) throws SQLException {
        return money(rs, "money");
    }

    /** @return the money of the columns {@code <prefix>_amount}, {@code <prefix>_scale}, {@code <prefix>_currency} */
    static Money money(ResultSet rs, String prefix) throws SQLException {
        BigDecimal amount = rs.getBigDecimal(prefix + "_amount");
        if (amount == null) {
            return null;
        }
        int scale = rs.getInt(prefix + "_scale");
        return new Money(amount.setScale(scale), Currency.getInstance(rs.getString(prefix + "_currency")));
    }

    /** @return the scale of a decimal that is not money (a percentage), restored on read; checked like money */
    static Integer decimalScale(BigDecimal value) {
        return value == null ? null : value.scale();
    }

    /** @return the decimal of {@code column} with the scale of {@code scaleColumn} restored, or null */
    static BigDecimal decimal(ResultSet rs, String column, String scaleColumn) throws SQLException {
        BigDecimal value = rs.getBigDecimal(column);
        return value == null ? null : value.setScale(rs.getInt(scaleColumn));
    }

    // ---------------------------------------------------------------- periods

    /** @return the period as ISO-8601 text ({@code P1Y2M3D}), or null */
    static String period(Period period) {
        return period == null ? null : period.toString();
    }

    static Period period(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : Period.parse(text);
    }

    // ---------------------------------------------------------------- metadata

    /** @return the metadata as a JSON object with sorted keys, or null when empty */
    static String json(Map<String, String> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(new TreeMap<>(metadata));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode metadata", e);
        }
    }

    /** @return the map as a JSON object with sorted keys, or null when empty */
    static String jsonLongs(Map<String, Long> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(new TreeMap<>(values));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + values, e);
        }
    }

    static Map<String, Long> longs(ResultSet rs, String column) throws SQLException {
        String json = rs.getString(column);
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, LONG_MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("malformed JSON in " + column + ": " + json, e);
        }
    }

    /** @return the set as a sorted JSON array, or null when empty */
    static String jsonSet(Set<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(new TreeSet<>(values));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + values, e);
        }
    }

    static Set<String> set(ResultSet rs, String column) throws SQLException {
        String json = rs.getString(column);
        if (json == null || json.isEmpty()) {
            return Set.of();
        }
        try {
            return new java.util.LinkedHashSet<>(JSON.readValue(json, STRING_LIST));
        } catch (JsonProcessingException e) {
            throw new SQLException("malformed JSON in " + column + ": " + json, e);
        }
    }

    static Map<String, String> metadata(ResultSet rs) throws SQLException {
        return metadata(rs, "metadata");
    }

    /** @return the JSON object of strings in {@code column} (empty when NULL) */
    static Map<String, String> metadata(ResultSet rs, String column) throws SQLException {
        String json = rs.getString(column);
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("malformed metadata JSON: " + json, e);
        }
    }

    // ---------------------------------------------------------------- allowance periods

    /** @return the allowance lot's plan (column plan_id), or null for a lot that is no allowance */
    static String allowancePlan(Lot lot) {
        return lot.allowance() == null ? null : lot.allowance().planId();
    }

    /** @return the allowance lot's period start (column period_start_at_micros), or null */
    static Long allowanceStart(Lot lot) {
        return lot.allowance() == null ? null : micros(lot.allowance().periodStart());
    }

    /** @return whether the lot is an allowance's rollover (column rollover; false for a lot that is no allowance) */
    static boolean allowanceRollover(Lot lot) {
        return lot.allowance() != null && lot.allowance().rollover();
    }

    /** @return the allowance period of a lot row: null when its plan_id is */
    static AllowancePeriod allowance(ResultSet rs) throws SQLException {
        String planId = rs.getString("plan_id");
        return planId == null ? null
                : new AllowancePeriod(planId, instant(rs, "period_start_at_micros"), rs.getBoolean("rollover"));
    }

    /**
     * A plan's rules as one JSON object of strings (sorted keys, null when it has none): {@code "buy:<type>"} and
     * {@code "spend:<type>"} ("true"/"false") per credit type, {@code "creditRate"} ("0.08 USD") and
     * {@code "purchasePercentOff"} ("10").
     */
    static String planRules(Plan plan) {
        Map<String, String> rules = new TreeMap<>();
        plan.creditAccess().forEach((type, access) -> {
            rules.put("buy:" + type, Boolean.toString(access.canBuy()));
            rules.put("spend:" + type, Boolean.toString(access.canSpend()));
        });
        if (plan.creditRate() != null) {
            rules.put("creditRate", plan.creditRate().amount().toPlainString() + " "
                    + plan.creditRate().currency().getCurrencyCode());
        }
        if (plan.purchasePercentOff() != null) {
            rules.put("purchasePercentOff", plan.purchasePercentOff().toPlainString());
        }
        return json(rules);
    }

    static Plan withPlanRules(Plan plan, String json) throws SQLException {
        if (json == null || json.isEmpty()) {
            return plan;
        }
        Map<String, String> rules;
        try {
            rules = JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("malformed JSON in plan_rules: " + json, e);
        }
        for (Map.Entry<String, String> rule : rules.entrySet()) {
            if (rule.getKey().startsWith("buy:")) {
                String type = rule.getKey().substring(4);
                plan = plan.withCreditAccess(type, Boolean.parseBoolean(rule.getValue()),
                        Boolean.parseBoolean(rules.get("spend:" + type)));
            }
        }
        String rate = rules.get("creditRate");
        if (rate != null) {
            String[] parts = rate.split(" ");
            plan = plan.withCreditRate(new Money(new BigDecimal(parts[0]), Currency.getInstance(parts[1])));
        }
        String off = rules.get("purchasePercentOff");
        return off == null ? plan : plan.withPurchasePercentOff(new BigDecimal(off));
    }
}
