package dev.credits.spi;

import dev.credits.LotSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one aggregate row of the usage table is about, apart from its account and time bucket. Immutable; thread-safe.
 * A field that does not apply is null (the dimensions are empty).
 *
 * @param creditType the credit type
 * @param kind       what it sums
 * @param source     for {@link UsageKind#GRANT} the lots' source, else null
 * @param featureKey for {@link UsageKind#USAGE} the feature, else null
 * @param userId     for {@link UsageKind#USAGE} the user, or null
 * @param dimensions for {@link UsageKind#USAGE} the values of the declared metadata dimensions the entry had
 * @param currency   the ISO 4217 code of the money summed, or null when there is none
 */
public record UsageKey(String creditType, UsageKind kind, LotSource source, String featureKey, String userId,
                       Map<String, String> dimensions, String currency) {

    public UsageKey {
        dimensions = dimensions == null || dimensions.isEmpty() ? Map.of() : Map.copyOf(dimensions);
    }

    /**
     * @return a fixed-length id of every field (a SHA-256, 64 hex digits): with the account and the bucket it is the
     *         row's primary key, so a database store needs no unique index over long nullable columns
     */
    public String groupKey() {
        StringBuilder text = new StringBuilder(128);
        append(text, creditType);
        append(text, kind.name());
        append(text, source == null ? null : source.name());
        append(text, featureKey);
        append(text, userId);
        new TreeMap<>(dimensions).forEach((key, value) -> {
            append(text, key);
            append(text, value);
        });
        text.append('|');
        append(text, currency);
        byte[] hash = SHA_256.get().digest(text.toString().getBytes(StandardCharsets.UTF_8));
        char[] hex = new char[64];
        for (int i = 0; i < hash.length; i++) {
            hex[2 * i] = Character.forDigit((hash[i] >> 4) & 0xF, 16);
            hex[2 * i + 1] = Character.forDigit(hash[i] & 0xF, 16);
        }
        return new String(hex);
    }

    /** One digest per thread: looking the algorithm up costs more than hashing a key (digest() resets it). */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    });

    // Length-prefixed, so no value can forge another key's text.
    private static void append(StringBuilder text, String value) {
        if (value == null) {
            text.append("-;");
        } else {
            text.append(value.length()).append(':').append(value).append(';');
        }
    }
}
