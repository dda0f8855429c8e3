package dev.credits;

/** A field of the ledger a {@link UsageQuery} can group by (besides the declared metadata dimensions). */
public enum UsageField {
    /** The account the usage is on: with {@link UsageScope#pool}, each member (and the pool itself) apart. */
    ACCOUNT,
    /** The feature charged. */
    FEATURE,
    /** The feature's category, as the price list has it now (null for a feature without one or no longer listed). */
    CATEGORY,
    /** The user the deduction named (null for none). */
    USER,
    /** The credit type. */
    CREDIT_TYPE
}
