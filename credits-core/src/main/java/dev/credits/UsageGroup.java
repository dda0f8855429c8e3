package dev.credits;

import java.util.Map;

/**
 * What one {@link UsageLine} is about: the values of the fields and dimensions its query grouped by. A field the query
 * did not group by is null; a dimension the entries did not carry is absent from {@code dimensions}. Immutable.
 *
 * @param accountId  the account, or null
 * @param featureKey the feature, or null
 * @param category   the feature's category, or null
 * @param userId     the user, or null
 * @param creditType the credit type, or null
 * @param dimensions the grouped dimensions' values
 */
public record UsageGroup(String accountId, String featureKey, String category, String userId, String creditType,
                         Map<String, String> dimensions) {

    public UsageGroup {
        dimensions = dimensions == null ? Map.of() : Map.copyOf(dimensions);
    }

    /** @return the value of a grouped dimension, or null when the entries had none */
    public String dimension(String name) {
        return dimensions.get(name);
    }
}
