package dev.credits;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A limit on what an account (and every member under it) may spend per period: "Marketing may spend 2,000 a month",
 * or, with a key, per value of one dimension of the spend: "at most 100 a day per QR code". Deductions and open holds
 * count; a released, timed-out or partly committed hold gives back what it did not spend. Immutable.
 *
 * <p>Build one with {@link #of(String, CapPeriod, long)} and the {@code with...} methods; the ledger fills in
 * {@code accountId}, {@code changedBy} and {@code changedAt} when it stores it ({@link Orgs#setCap}).
 *
 * @param accountId  the account the cap belongs to (null in a request)
 * @param capId      the cap's name within the account
 * @param period     what it counts over
 * @param limit      credits allowed per period (0 or more)
 * @param keyName    null to count all spending; {@link #USER_KEY} to count per user id of the spend; any other
 *                   name to count per value of that metadata key (a spend without the key is not counted)
 * @param creditType the credit type it counts
 * @param zone       the zone periods are measured in
 * @param changedBy  the id of the actor who set it, or null
 * @param changedAt  since when it counts as it does (null in a request): when it was set, or set again counting
 *                   another period, zone, key or credit type; a re-set that changes only the limit keeps it, as it
 *                   keeps the period's usage, so the holds that usage counts still give back (the audit trail has
 *                   every change's time)
 */
public record SpendingCap(String accountId, String capId, CapPeriod period, long limit, String keyName,
                          String creditType, ZoneId zone, String changedBy, Instant changedAt) {

    /** The key name that counts per user id ({@link DeductRequest#userId()}). */
    public static final String USER_KEY = "userId";

    /** @return a cap on all spending of the default credit type, periods in UTC */
    public static SpendingCap of(String capId, CapPeriod period, long limit) {
        return new SpendingCap(null, capId, period, limit, null, CreditLedger.DEFAULT_CREDIT_TYPE, ZoneOffset.UTC,
                null, null);
    }

    /** @return a copy counting per value of {@code name} ({@link #USER_KEY} or a metadata key) */
    public SpendingCap perKey(String name) {
        return new SpendingCap(accountId, capId, period, limit, name, creditType, zone, changedBy, changedAt);
    }

    /** @return a copy counting credits of {@code type} */
    public SpendingCap withCreditType(String type) {
        return new SpendingCap(accountId, capId, period, limit, keyName, type, zone, changedBy, changedAt);
    }

    /** @return a copy whose periods are measured in {@code newZone} */
    public SpendingCap inZone(ZoneId newZone) {
        return new SpendingCap(accountId, capId, period, limit, keyName, creditType, newZone, changedBy, changedAt);
    }

    /** @return the stored form: of {@code account}, set by {@code by} at {@code at} */
    public SpendingCap stored(String account, String by, Instant at) {
        return new SpendingCap(account, capId, period, limit, keyName, creditType, zone, by, at);
    }
}
