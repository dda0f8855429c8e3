package dev.credits.internal;

import dev.credits.CreditLedger;
import dev.credits.HistoryFilter;
import dev.credits.InvalidArgumentException;
import dev.credits.Money;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAmount;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Argument validation: every rule about what a well-formed request is, in one place. The rules are those of
 * the strictest supported database, so every store accepts and rejects exactly the same inputs and stores them
 * exactly:
 * <ul>
 * <li>ids and keys: valid Unicode (no unpaired surrogate), no control character, 1 to 128 characters;</li>
 * <li>free text (names, descriptions, reasons, metadata keys and values): valid Unicode, no NUL;</li>
 * <li>instants: whole milliseconds (finer parts are dropped) in [{@link CreditLedger#MIN_INSTANT},
 * {@link CreditLedger#MAX_INSTANT}];</li>
 * <li>money and percentages: at most {@link Money#MAX_SCALE} decimals and {@link Money#MAX_INTEGER_DIGITS}
 * integer digits.</li>
 * </ul>
 */
public final class Checks {
    /** Longest id (account, key, user, transaction, hold). */
    public static final int MAX_ID_LENGTH = 128;
    /** Longest credit type. */
    public static final int MAX_CREDIT_TYPE_LENGTH = 64;
    /** Most metadata entries. */
    public static final int MAX_METADATA_ENTRIES = 64;
    /** Longest metadata value. */
    public static final int MAX_METADATA_VALUE_LENGTH = 2048;
    /** Longest free text (names, descriptions, reasons). */
    public static final int MAX_TEXT_LENGTH = 2048;

    static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

    private Checks() {
    }

    public static String id(String argument, String value) {
        if (value == null) {
            throw new InvalidArgumentException(argument, "is required");
        }
        if (value.isBlank()) {
            throw new InvalidArgumentException(argument, "must not be blank");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new InvalidArgumentException(argument, "longer than " + MAX_ID_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidArgumentException(argument, "contains a control character (U+"
                        + hex(value.charAt(i)) + ")");
            }
        }
        return validUnicode(argument, value);
    }

    /**
     * Rejects unpaired surrogates: they are no Unicode characters, have no UTF-8 form, and a database driver would
     * silently turn them into '?' (merging distinct ids on one store and not on another).
     */
    private static String validUnicode(String argument, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidArgumentException(argument, "is not valid Unicode: unpaired surrogate U+" + hex(c)
                        + " at index " + i);
            }
        }
        return value;
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    /** @return the id, or null when absent */
    public static String optionalId(String argument, String value) {
        return value == null ? null : id(argument, value);
    }

    /**
     * The reference of an {@link dev.credits.AccountLink} (and its detail): an external name such as
     * {@code stripe:sub_123}, held to the rules of an id.
     */
    public static String linkReference(String argument, String value) {
        return id(argument, value);
    }

    public static String featureKey(String value) {
        return key("featureKey", value, MAX_ID_LENGTH);
    }

    public static String creditType(String value) {
        return key("creditType", value, MAX_CREDIT_TYPE_LENGTH);
    }

    /**
     * @return whether the text matches {@code [a-z][a-z0-9]*(_[a-z0-9]+)*}: checked by hand, as every spend checks a
     *         feature key (KEY, the same rule as a pattern, is what the tests compare it with)
     */
    static boolean isKey(String value) {
        int length = value.length();
        if (length == 0 || value.charAt(0) < 'a' || value.charAt(0) > 'z' || value.charAt(length - 1) == '_') {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            boolean word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!word && (c != '_' || value.charAt(i - 1) == '_')) {
                return false;
            }
        }
        return true;
    }

    private static String key(String argument, String value, int maxLength) {
        if (value == null) {
            throw new InvalidArgumentException(argument, "is required");
        }
        if (value.length() > maxLength) {
            throw new InvalidArgumentException(argument, "longer than " + maxLength + " characters");
        }
        if (!isKey(value)) {
            throw new InvalidArgumentException(argument,
                    "'" + value + "' is not lowercase words joined by '_' (e.g. seedream_text_to_image)");
        }
        return value;
    }

    /** A positive amount of credits (or units) no larger than {@link CreditLedger#MAX_CREDITS}. */
    public static long positive(String argument, long value) {
        if (value <= 0) {
            throw new InvalidArgumentException(argument, "must be positive: " + value);
        }
        return atMostMax(argument, value);
    }

    /** Zero or a positive amount no larger than {@link CreditLedger#MAX_CREDITS}. */
    public static long notNegative(String argument, long value) {
        if (value < 0) {
            throw new InvalidArgumentException(argument, "must not be negative: " + value);
        }
        return atMostMax(argument, value);
    }

    private static long atMostMax(String argument, long value) {
        if (value > CreditLedger.MAX_CREDITS) {
            throw new InvalidArgumentException(argument, "exceeds the maximum of " + CreditLedger.MAX_CREDITS);
        }
        return value;
    }

    /** @return unit price x quantity, checked against overflow and the maximum */
    public static long cost(long unitPrice, long quantity) {
        try {
            return atMostMax("quantity", Math.multiplyExact(unitPrice, quantity));
        } catch (ArithmeticException overflow) {
            throw new InvalidArgumentException("quantity", "cost " + unitPrice + " x " + quantity + " overflows");
        }
    }

    /** @return a + b, failing cleanly instead of overflowing */
    public static long add(String argument, long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException overflow) {
            throw new InvalidArgumentException(argument, "the balance would overflow");
        }
    }

    public static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw new InvalidArgumentException("metadata", "more than " + MAX_METADATA_ENTRIES + " entries");
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            String key = entry.getKey();
            if (key == null || key.isEmpty() || key.length() > MAX_ID_LENGTH) {
                throw new InvalidArgumentException("metadata", "keys must have 1 to " + MAX_ID_LENGTH + " characters");
            }
            storableText("metadata", key);
            if (entry.getValue() == null) {
                throw new InvalidArgumentException("metadata", "value of '" + key + "' is null");
            }
            if (entry.getValue().length() > MAX_METADATA_VALUE_LENGTH) {
                throw new InvalidArgumentException("metadata",
                        "value of '" + key + "' is longer than " + MAX_METADATA_VALUE_LENGTH + " characters");
            }
            storableText("metadata", entry.getValue());
        }
        return Map.copyOf(metadata);
    }

    /**
     * Optional free text: null, or at most {@link #MAX_TEXT_LENGTH} characters of valid Unicode without NUL
     * (PostgreSQL cannot store NUL in text; other control characters are kept as they are).
     */
    public static String text(String argument, String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            throw new InvalidArgumentException(argument, "longer than " + MAX_TEXT_LENGTH + " characters");
        }
        return storableText(argument, value);
    }

    private static String storableText(String argument, String value) {
        int nul = value.indexOf(0);
        if (nul >= 0) {
            throw new InvalidArgumentException(argument, "contains a NUL character (U+0000) at index " + nul);
        }
        return validUnicode(argument, value);
    }

    /** Required free text: not blank, at most {@link #MAX_TEXT_LENGTH} characters. */
    public static String requiredText(String argument, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidArgumentException(argument, "is required");
        }
        return text(argument, value);
    }

    // ---------------------------------------------------------------- instants

    /**
     * A required instant a caller gave.
     *
     * @return the instant truncated to the millisecond (towards the past), as every store keeps it
     * @throws InvalidArgumentException if it is null or, truncated, outside [{@link CreditLedger#MIN_INSTANT},
     *                                  {@link CreditLedger#MAX_INSTANT}]
     */
    public static Instant instant(String argument, Instant value) {
        required(argument, value);
        Instant millis = value.truncatedTo(ChronoUnit.MILLIS);
        if (millis.isBefore(CreditLedger.MIN_INSTANT) || millis.isAfter(CreditLedger.MAX_INSTANT)) {
            throw new InvalidArgumentException(argument, value + " is outside the storable range ["
                    + CreditLedger.MIN_INSTANT + ", " + CreditLedger.MAX_INSTANT + "]");
        }
        return millis;
    }

    /** @return null, or {@link #instant(String, Instant)} of the value */
    public static Instant optionalInstant(String argument, Instant value) {
        return value == null ? null : instant(argument, value);
    }

    /**
     * An instant the ledger computes from a caller's or the builder's setting ({@code from} + a timeout or a
     * validity), checked like one a caller gave.
     *
     * @param amount a {@link java.time.Duration}, or a {@link java.time.Period} counted in UTC calendar terms
     *               (12 months from 2026-01-31T10:00Z is 2027-01-31T10:00Z)
     * @return the sum, truncated to the millisecond
     * @throws InvalidArgumentException naming {@code argument} if the result is outside the storable range
     */
    public static Instant plus(String argument, Instant from, TemporalAmount amount) {
        Instant result;
        try {
            result = from.atZone(ZoneOffset.UTC).plus(amount).toInstant();
        } catch (DateTimeException | ArithmeticException overflow) {
            throw new InvalidArgumentException(argument, from + " + " + amount + " is outside the storable range ["
                    + CreditLedger.MIN_INSTANT + ", " + CreditLedger.MAX_INSTANT + "]");
        }
        return instant(argument, result);
    }

    /**
     * Validates a history filter and normalizes its bounds to what every store compares the same way: stored
     * instants are whole milliseconds in the storable range, so a bound before {@link CreditLedger#MIN_INSTANT}
     * (such as {@link Instant#MIN}) or a {@code to} after {@link CreditLedger#MAX_INSTANT} (such as
     * {@link Instant#MAX}) is no bound at all, and a bound between two milliseconds moves up to the next one
     * ({@code createdAt >= from} and {@code createdAt < to} keep their meaning).
     *
     * @return the filter with normalized bounds, or empty when no stored entry can match it
     */
    public static Optional<HistoryFilter> historyFilter(HistoryFilter filter) {
        HistoryFilter query = filter == null ? HistoryFilter.all() : filter;
        if (query.featureKey() != null) {
            featureKey(query.featureKey());
        }
        if (query.creditType() != null) {
            creditType(query.creditType());
        }
        optionalId("userId", query.userId());
        Instant from = query.from();
        Instant to = query.to();
        if ((from != null && from.isAfter(CreditLedger.MAX_INSTANT))
                || (to != null && !to.isAfter(CreditLedger.MIN_INSTANT))) {
            return Optional.empty();
        }
        from = from == null || from.isBefore(CreditLedger.MIN_INSTANT) ? null : nextMillisecond(from);
        to = to == null || to.isAfter(CreditLedger.MAX_INSTANT) ? null : nextMillisecond(to);
        if (from != null && to != null && !from.isBefore(to)) {
            return Optional.empty();
        }
        return Optional.of(query.withFrom(from).withTo(to));
    }

    /** @return the instant if it is a whole millisecond, else the next whole millisecond */
    private static Instant nextMillisecond(Instant value) {
        Instant millis = value.truncatedTo(ChronoUnit.MILLIS);
        return millis.equals(value) ? millis : millis.plusMillis(1);
    }

    // ---------------------------------------------------------------- money

    /**
     * An amount of money as every store keeps it exactly (DECIMAL(38,18) with its scale): not negative, at
     * most {@link Money#MAX_SCALE} decimals and at most {@link Money#MAX_INTEGER_DIGITS} integer digits.
     */
    public static BigDecimal money(String argument, BigDecimal amount) {
        required(argument, amount);
        if (amount.signum() < 0) {
            throw new InvalidArgumentException(argument, "must not be negative: " + amount);
        }
        return decimal(argument, amount);
    }

    /**
     * @return a page size
     * @throws InvalidArgumentException if it is outside 1 to {@value dev.credits.PageRequest#MAX_LIMIT}
     */
    public static int pageLimit(int limit) {
        if (limit < 1 || limit > dev.credits.PageRequest.MAX_LIMIT) {
            throw new InvalidArgumentException("limit", "must be 1 to " + dev.credits.PageRequest.MAX_LIMIT + ": "
                    + limit);
        }
        return limit;
    }

    /**
     * A decimal that is stored like money (a percentage): at most {@link Money#MAX_SCALE} decimals (its scale,
     * trailing zeros included, since the scale is kept) and at most {@link Money#MAX_INTEGER_DIGITS} integer
     * digits.
     */
    public static BigDecimal decimal(String argument, BigDecimal value) {
        if (value.scale() > Money.MAX_SCALE) {
            throw new InvalidArgumentException(argument, "more than " + Money.MAX_SCALE + " decimal places: "
                    + value);
        }
        if ((long) value.precision() - value.scale() > Money.MAX_INTEGER_DIGITS) {
            throw new InvalidArgumentException(argument, "more than " + Money.MAX_INTEGER_DIGITS
                    + " integer digits: " + value);
        }
        return value;
    }

    public static <T> T required(String argument, T value) {
        if (value == null) {
            throw new InvalidArgumentException(argument, "is required");
        }
        return value;
    }
}
