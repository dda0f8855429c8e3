package dev.credits.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credits.Account;
import dev.credits.AccountLink;
import dev.credits.AccountStatus;
import dev.credits.Allocation;
import dev.credits.CreditPackage;
import dev.credits.EntryType;
import dev.credits.FeaturePricing;
import dev.credits.Hold;
import dev.credits.HoldKind;
import dev.credits.HoldStatus;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.Promotion;
import dev.credits.DisputeStatus;
import dev.credits.Purchase;
import dev.credits.PurchaseStatus;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.IdempotencyRecord;
import org.jdbi.v3.core.mapper.RowMapper;

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
        String json = rs.getString("metadata");
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("malformed metadata JSON: " + json, e);
        }
    }

    // ---------------------------------------------------------------- mappers

    static final RowMapper<Account> ACCOUNT = (rs, ctx) -> new Account(
            rs.getString("account_id"),
            AccountStatus.valueOf(rs.getString("status")),
            rs.getLong("overdraft_limit"),
            rs.getLong("low_balance_threshold"),
            rs.getLong("max_open_holds"),
            rs.getString("plan_id"),
            rs.getString("next_plan_id"),
            instant(rs, "period_start_at_micros"),
            instant(rs, "period_end_at_micros"),
            rs.getLong("sequence_no"),
            instant(rs, "created_at_micros"),
            instant(rs, "updated_at_micros"),
            rs.getString("subscription_id"));

    static final RowMapper<AccountLink> ACCOUNT_LINK = (rs, ctx) -> new AccountLink(
            rs.getString("reference"),
            rs.getString("account_id"),
            rs.getString("detail"),
            instant(rs, "created_at_micros"));

    static final RowMapper<BalanceRecord> BALANCE = (rs, ctx) -> new BalanceRecord(
            rs.getString("account_id"),
            rs.getString("credit_type"),
            rs.getLong("balance"),
            rs.getLong("held"));

    static final RowMapper<Lot> LOT = (rs, ctx) -> new Lot(
            rs.getString("lot_id"),
            rs.getString("account_id"),
            rs.getString("credit_type"),
            LotSource.valueOf(rs.getString("source")),
            rs.getInt("priority"),
            rs.getLong("amount"),
            rs.getLong("remaining"),
            rs.getLong("held"),
            instant(rs, "expires_at_micros"),
            money(rs),
            metadata(rs),
            instant(rs, "granted_at_micros"),
            rs.getString("transaction_id"));

    static final RowMapper<LedgerEntry> ENTRY = (rs, ctx) -> new LedgerEntry(
            rs.getString("transaction_id"),
            rs.getString("account_id"),
            rs.getLong("sequence_no"),
            EntryType.valueOf(rs.getString("entry_type")),
            rs.getString("credit_type"),
            rs.getLong("amount"),
            rs.getLong("balance_after"),
            rs.getString("feature_key"),
            rs.getLong("quantity"),
            rs.getLong("unit_price"),
            rs.getString("price_plan_id"),
            rs.getInt("retry_number"),
            rs.getString("user_id"),
            rs.getString("hold_id"),
            rs.getString("reference_id"),
            rs.getString("reason"),
            rs.getString("idempotency_key"),
            metadata(rs),
            instant(rs, "created_at_micros"));

    static final RowMapper<Allocation> ALLOCATION = (rs, ctx) -> new Allocation(
            rs.getString("owner_id"),
            rs.getInt("line_no"),
            rs.getString("lot_id"),
            rs.getLong("amount"));

    static final RowMapper<Hold> HOLD = (rs, ctx) -> Hold.builder(
                    HoldKind.valueOf(rs.getString("kind")),
                    rs.getString("hold_id"),
                    rs.getString("account_id"),
                    rs.getString("credit_type"),
                    rs.getString("purchase_id"))
            .feature(rs.getString("feature_key"), rs.getLong("quantity"), rs.getLong("unit_price"),
                    rs.getString("price_plan_id"))
            .amount(rs.getLong("amount"))
            .status(HoldStatus.valueOf(rs.getString("status")))
            .userId(rs.getString("user_id"))
            .idempotencyKey(rs.getString("idempotency_key"))
            .metadata(metadata(rs))
            .createdAt(instant(rs, "created_at_micros"))
            .expiresAt(instant(rs, "expires_at_micros"))
            .resolution(instant(rs, "resolved_at_micros"), rs.getLong("committed_credits"),
                    rs.getString("transaction_id"))
            .retry(rs.getString("retry_of"), rs.getInt("retry_number"))
            .build();

    static final RowMapper<IdempotencyRecord> IDEMPOTENCY = (rs, ctx) -> new IdempotencyRecord(
            rs.getString("account_id"),
            rs.getString("idempotency_key"),
            rs.getString("fingerprint"),
            rs.getString("result"),
            instant(rs, "created_at_micros"));

    static final RowMapper<FeaturePricing> FEATURE = (rs, ctx) -> new FeaturePricing(
            rs.getString("feature_key"),
            rs.getString("feature_name"),
            rs.getString("category"),
            rs.getLong("credits_per_unit"),
            longs(rs, "plan_prices"),
            rs.getInt("free_retries"),
            rs.getString("credit_type"),
            rs.getString("description"),
            rs.getBoolean("active"),
            instant(rs, "created_at_micros"),
            instant(rs, "updated_at_micros"));

    static final RowMapper<CreditPackage> PACKAGE = (rs, ctx) -> new CreditPackage(
            rs.getString("package_id"),
            rs.getString("name"),
            rs.getLong("credits"),
            money(rs, "price"),
            rs.getString("credit_type"),
            period(rs, "validity"),
            rs.getBoolean("active"));

    static final RowMapper<Plan> PLAN = (rs, ctx) -> withPlanRules(new Plan(
            rs.getString("plan_id"),
            rs.getString("name"),
            money(rs, "monthly_price"),
            longs(rs, "allowances"),
            rs.getLong("rollover_cap"),
            rs.getBoolean("can_buy_credits"),
            rs.getBoolean("active")), rs.getString("plan_rules"));

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

    private static Plan withPlanRules(Plan plan, String json) throws SQLException {
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

    static final RowMapper<Promotion> PROMOTION = (rs, ctx) -> new Promotion(
            rs.getString("code"),
            rs.getString("description"),
            decimal(rs, "percent_off", "percent_off_scale"),
            money(rs, "amount_off"),
            rs.getLong("bonus_credits"),
            instant(rs, "valid_from_at_micros"),
            instant(rs, "valid_until_at_micros"),
            set(rs, "package_ids"),
            rs.getLong("max_uses"),
            rs.getLong("max_uses_per_account"),
            rs.getBoolean("active"),
            rs.getLong("uses"),
            set(rs, "plan_ids"));

    static final RowMapper<Purchase> PURCHASE = (rs, ctx) -> new Purchase(
            rs.getString("purchase_id"),
            rs.getString("account_id"),
            rs.getString("package_id"),
            rs.getString("credit_type"),
            rs.getLong("credits"),
            rs.getLong("bonus_credits"),
            money(rs, "list_price"),
            money(rs, "price"),
            rs.getString("promotion_code"),
            rs.getString("payment_reference"),
            period(rs, "validity"),
            PurchaseStatus.valueOf(rs.getString("status")),
            rs.getString("lot_id"),
            rs.getString("transaction_id"),
            metadata(rs),
            rs.getString("idempotency_key"),
            instant(rs, "created_at_micros"),
            instant(rs, "resolved_at_micros"),
            rs.getString("failure_reason"),
            rs.getLong("refunded_credits"),
            rs.getLong("disputed_credits"),
            DisputeStatus.valueOf(rs.getString("dispute_status")),
            rs.getLong("frozen_credits"),
            rs.getLong("clawed_back"));
}
