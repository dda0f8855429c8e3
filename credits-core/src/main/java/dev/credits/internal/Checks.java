package dev.credits.internal;

import dev.credits.CreditLedger;
import dev.credits.InvalidArgumentException;

import java.util.Map;
import java.util.regex.Pattern;

/** Argument validation: every rule about what a well-formed request is, in one place. */
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

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

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
                throw new InvalidArgumentException(argument, "contains a control character");
            }
        }
        return value;
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

    private static String key(String argument, String value, int maxLength) {
        if (value == null) {
            throw new InvalidArgumentException(argument, "is required");
        }
        if (value.length() > maxLength) {
            throw new InvalidArgumentException(argument, "longer than " + maxLength + " characters");
        }
        if (!KEY.matcher(value).matches()) {
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
            if (entry.getValue() == null) {
                throw new InvalidArgumentException("metadata", "value of '" + key + "' is null");
            }
            if (entry.getValue().length() > MAX_METADATA_VALUE_LENGTH) {
                throw new InvalidArgumentException("metadata",
                        "value of '" + key + "' is longer than " + MAX_METADATA_VALUE_LENGTH + " characters");
            }
        }
        return Map.copyOf(metadata);
    }

    /** Optional free text: null, or at most {@link #MAX_TEXT_LENGTH} characters. */
    public static String text(String argument, String value) {
        if (value != null && value.length() > MAX_TEXT_LENGTH) {
            throw new InvalidArgumentException(argument, "longer than " + MAX_TEXT_LENGTH + " characters");
        }
        return value;
    }

    /** Required free text: not blank, at most {@link #MAX_TEXT_LENGTH} characters. */
    public static String requiredText(String argument, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidArgumentException(argument, "is required");
        }
        return text(argument, value);
    }

    public static <T> T required(String argument, T value) {
        if (value == null) {
            throw new InvalidArgumentException(argument, "is required");
        }
        return value;
    }
}
