package dev.credits.spi;

/**
 * The cached balance of one account and credit type: always equal to the sum of its entries and to the
 * sum of remaining over its live lots (DESIGN invariant 1).
 *
 * @param accountId  the account
 * @param creditType the credit type
 * @param balance    credits on the account, held ones included
 * @param held       credits reserved by open holds
 */
public record BalanceRecord(String accountId, String creditType, long balance, long held) {
}
