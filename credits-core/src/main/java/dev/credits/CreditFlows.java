package dev.credits;

import java.util.Map;

/**
 * How one credit type's balance moved over a period, reconciling exactly:
 * {@code opening + granted + refunded - consumed - expired - clawedBack - transferredOut - removed = closing}. Used by {@link AccountSummary}
 * (one account) and {@link SystemSummary} (every account). It counts what the ledger wrote: credits past their
 * expiry count as expired once an expiry entry was written (when the account is next touched or swept). Immutable.
 *
 * @param creditType the credit type
 * @param opening    the balance (held credits included) at the period's start
 * @param granted    credits granted, by the source of their lot (sources without grants absent)
 * @param consumed   credits deducted (committed holds included)
 * @param refunded   credits refunded
 * @param expired    credits expired
 * @param clawedBack credits clawed back
 * @param transferredOut credits that left for another account of the organization (a transfer, or a pool lending to a
 *                   member; what arrives is granted by source {@link LotSource#TRANSFER})
 * @param removed    credits an administrator removed ({@link Admin#removeCredits})
 * @param closing    the balance at the period's end
 */
public record CreditFlows(String creditType, long opening, Map<LotSource, Long> granted, long consumed, long refunded,
                          long expired, long clawedBack, long transferredOut, long removed, long closing) {

    public CreditFlows {
        granted = Map.copyOf(granted);
    }

    /** @return the flows of {@code creditType} among {@code flows}, or all zero when it is not there */
    static CreditFlows of(java.util.List<CreditFlows> flows, String creditType) {
        return flows.stream().filter(f -> f.creditType().equals(creditType)).findFirst()
                .orElse(new CreditFlows(creditType, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0));
    }

    /** @return credits granted from every source */
    public long totalGranted() {
        return granted.values().stream().mapToLong(Long::longValue).sum();
    }
}
