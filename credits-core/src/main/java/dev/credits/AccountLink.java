package dev.credits;

import java.time.Instant;
import java.util.Objects;

/**
 * An external reference linked to an account: a payment provider's subscription or customer id, a CRM id, any
 * name the host (or an integration such as credits-stripe) wants to resolve to an account later. A link is
 * written once and never changes: the first {@link CreditLedger#linkAccount} of a reference wins. Immutable.
 *
 * <p>References are the host's namespace; prefix them with their origin so they never collide, e.g.
 * {@code stripe:sub_1Pgc6r...} or {@code crm:4711}.
 *
 * @param reference the external reference: not blank, at most 128 characters, no control characters; compared
 *                  exactly (case-sensitive)
 * @param accountId the account it belongs to
 * @param detail    a short value kept with the link (e.g. the plan a subscription was bought for), or null; same
 *                  rules as a reference
 * @param createdAt when it was linked (the ledger's clock, to the millisecond)
 */
public record AccountLink(String reference, String accountId, String detail, Instant createdAt) {

    public AccountLink {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
