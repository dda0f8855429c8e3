package dev.credits.jdbc.spring;

import dev.credits.CreditLedger;

/**
 * Adds settings to the ledger the auto-configuration builds (a purchase policy, a burn-down order, a clock): each
 * bean of this type is called with the builder, after the store, the hold timeouts and the observers were set.
 */
@FunctionalInterface
public interface CreditLedgerCustomizer {

    /** @param builder the ledger's builder */
    void customize(CreditLedger.Builder builder);
}
