package dev.credits;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link Reports#usage(UsageQuery)} sums: whose usage ({@link UsageScope}), over which time range, in which
 * buckets of which time zone, grouped by which fields and declared metadata dimensions. Build one with
 * {@link #builder(UsageScope, Instant, Instant)}. Immutable; thread-safe.
 *
 * <pre>{@code
 * UsageQuery query = UsageQuery.builder(UsageScope.account("org_42"), from, to)
 *         .bucket(UsageBucket.DAY).zone("Europe/Berlin").groupBy(UsageField.FEATURE).groupByDimension("ai").build();
 * }</pre>
 *
 * @param scope      whose usage
 * @param from       the start (inclusive): a whole quarter of an hour (usage is kept in 15-minute buckets)
 * @param to         the end (exclusive), after {@code from}, a whole quarter of an hour
 * @param bucket     the width of the report's buckets (default {@link UsageBucket#DAY})
 * @param zone       the time zone the buckets follow (default UTC)
 * @param fields     the fields grouped by (default none: one line per bucket)
 * @param dimensions the declared metadata dimensions grouped by, in order (default none)
 */
public record UsageQuery(UsageScope scope, Instant from, Instant to, UsageBucket bucket, ZoneId zone,
                         Set<UsageField> fields, List<String> dimensions) {

    /** The most buckets one query may span: a longer range or a finer bucket is an {@link InvalidArgumentException}. */
    public static final int MAX_BUCKETS = 2_000;

    public UsageQuery {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(zone, "zone");
        fields = fields.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(fields));
        dimensions = List.copyOf(dimensions);
    }

    /**
     * @param scope whose usage
     * @param from  the start (inclusive)
     * @param to    the end (exclusive)
     * @return a builder with daily buckets in UTC and no grouping
     */
    public static Builder builder(UsageScope scope, Instant from, Instant to) {
        return new Builder(scope, from, to);
    }

    /** Collects a {@link UsageQuery}. Not thread-safe; a built query never changes when the builder does. */
    public static final class Builder {
        private final UsageScope scope;
        private final Instant from;
        private final Instant to;
        private UsageBucket bucket = UsageBucket.DAY;
        private ZoneId zone = ZoneOffset.UTC;
        private final Set<UsageField> fields = new LinkedHashSet<>();
        private final List<String> dimensions = new ArrayList<>();

        private Builder(UsageScope scope, Instant from, Instant to) {
            this.scope = Objects.requireNonNull(scope, "scope");
            this.from = Objects.requireNonNull(from, "from");
            this.to = Objects.requireNonNull(to, "to");
        }

        /** The width of the buckets (default {@link UsageBucket#DAY}). */
        public Builder bucket(UsageBucket value) {
            this.bucket = Objects.requireNonNull(value, "bucket");
            return this;
        }

        /** The time zone of the buckets (default UTC). */
        public Builder zone(ZoneId value) {
            this.zone = Objects.requireNonNull(value, "zone");
            return this;
        }

        /**
         * The time zone of the buckets by its id, e.g. {@code "Europe/Berlin"}.
         *
         * @throws InvalidArgumentException if no such zone exists
         */
        public Builder zone(String zoneId) {
            try {
                this.zone = ZoneId.of(Objects.requireNonNull(zoneId, "zone"));
            } catch (DateTimeException e) {
                throw new InvalidArgumentException("zone", "no time zone '" + zoneId + "'");
            }
            return this;
        }

        /** Groups by these fields too. */
        public Builder groupBy(UsageField... values) {
            for (UsageField value : values) {
                fields.add(Objects.requireNonNull(value, "field"));
            }
            return this;
        }

        /** Groups by these declared metadata dimensions too (see {@code CreditLedger.Builder.usageDimensions}). */
        public Builder groupByDimension(String... names) {
            for (String name : names) {
                if (!dimensions.contains(Objects.requireNonNull(name, "dimension"))) {
                    dimensions.add(name);
                }
            }
            return this;
        }

        /** @return the query (checked against the ledger when it runs) */
        public UsageQuery build() {
            return new UsageQuery(scope, from, to, bucket, zone, fields, dimensions);
        }
    }
}
