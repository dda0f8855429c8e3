package dev.credits;

import java.time.Period;

/**
 * A credit package for sale: a number of credits at a price. Immutable; start with
 * {@link #of(String, String, long, Money)}.
 *
 * <pre>{@code
 * ledger.commerce().savePackage(CreditPackage.of("starter", "Starter", 100, Money.of("199.00", "USD"))
 *         .withValidity(Period.ofMonths(12)));
 * }</pre>
 *
 * @param packageId  the package's id (not blank, at most 128 characters)
 * @param name       a display name
 * @param credits    credits it grants, at least 1
 * @param price      what it costs
 * @param creditType the balance it credits; default {@value CreditLedger#DEFAULT_CREDIT_TYPE}
 * @param validity   how long its credits last from the moment the purchase completes (to the second, in UTC
 *                   calendar terms: 12 months from 2026-01-31T10:00Z is 2027-01-31T10:00Z), or null for never;
 *                   credits bought now must expire by {@link CreditLedger#MAX_INSTANT}
 * @param active     whether it can be bought
 */
public record CreditPackage(String packageId, String name, long credits, Money price, String creditType,
                            Period validity, boolean active) {

    /** @return an active package in the default credit type whose credits never expire */
    public static CreditPackage of(String packageId, String name, long credits, Money price) {
        return new CreditPackage(packageId, name, credits, price, CreditLedger.DEFAULT_CREDIT_TYPE, null, true);
    }

    public CreditPackage withName(String value) {
        return new CreditPackage(packageId, value, credits, price, creditType, validity, active);
    }

    public CreditPackage withCredits(long value) {
        return new CreditPackage(packageId, name, value, price, creditType, validity, active);
    }

    public CreditPackage withPrice(Money value) {
        return new CreditPackage(packageId, name, credits, value, creditType, validity, active);
    }

    public CreditPackage withCreditType(String value) {
        return new CreditPackage(packageId, name, credits, price, value, validity, active);
    }

    /** @return a copy whose credits expire {@code value} after purchase (null: never) */
    public CreditPackage withValidity(Period value) {
        return new CreditPackage(packageId, name, credits, price, creditType, value, active);
    }

    public CreditPackage withActive(boolean value) {
        return new CreditPackage(packageId, name, credits, price, creditType, validity, value);
    }
}
