package dev.credits;

import java.util.List;

/**
 * A page of {@link Reports#listAccounts(AccountQuery)}. Immutable.
 *
 * @param rows      the accounts, by id
 * @param nextAfter the id to ask the next page after ({@link AccountQuery#after(String)}), or null on the last page
 */
public record AccountPage(List<Row> rows, String nextAfter) {

    public AccountPage {
        rows = List.copyOf(rows);
    }

    /**
     * An account with its balances.
     *
     * @param account  the account as stored
     * @param balances its balances, by credit type
     */
    public record Row(Account account, List<Line> balances) {
        public Row {
            balances = List.copyOf(balances);
        }

        /** @return the available balance of a credit type (0 when it has none) */
        public long available(String creditType) {
            return balances.stream().filter(l -> l.creditType().equals(creditType)).mapToLong(Line::available)
                    .findFirst().orElse(0);
        }
    }

    /**
     * One balance of an account.
     *
     * @param creditType the credit type
     * @param total      credits on the account, held ones included
     * @param held       credits held
     * @param available  total minus held
     */
    public record Line(String creditType, long total, long held, long available) {
    }
}
