package dev.credits.spi;

import java.time.Instant;
import java.util.Set;

/**
 * Which usage rows {@link ReportStore#sumUsage} sums, and by what. Rows are always kept apart by credit type, kind,
 * source and currency; the flags add the account, the bucket and the details (feature, user, dimensions). Immutable.
 *
 * @param accountIds     the accounts, or null for every account
 * @param from           the first bucket start included
 * @param to             buckets starting at or after it are excluded; null for no end
 * @param kinds          the kinds to read, or null for every kind
 * @param byAccount      keep accounts apart (else {@link UsageRecord#accountId()} is null)
 * @param byBucket       keep buckets apart (else {@link UsageRecord#bucketStart()} is null)
 * @param byDetail       keep feature, user and dimensions apart (else they are null and empty)
 */
public record UsageSelection(Set<String> accountIds, Instant from, Instant to, Set<UsageKind> kinds,
                             boolean byAccount, boolean byBucket, boolean byDetail) {

    public UsageSelection {
        accountIds = accountIds == null ? null : Set.copyOf(accountIds);
        kinds = kinds == null ? null : Set.copyOf(kinds);
    }
}
