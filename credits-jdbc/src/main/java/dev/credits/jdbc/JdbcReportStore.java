package dev.credits.jdbc;

import dev.credits.AccountStatus;
import dev.credits.spi.AccountCount;
import dev.credits.spi.AccountFilter;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.ReportStore;
import dev.credits.spi.UsageKind;
import dev.credits.spi.UsageRecord;
import dev.credits.spi.UsageSelection;
import org.jdbi.v3.core.statement.Query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The reports part of {@link JdbiCreditStore}: sums of the usage rows units of work keep (one GROUP BY over the rows of
 * a window: the primary key serves one account's rows, {@code usage_buckets_time} every account's), account listings
 * by keyset, balance totals and account counts. Each call is one auto-commit read (a listing two). Thread-safe.
 */
final class JdbcReportStore implements ReportStore {
    private static final String SUMS = Tables.USAGE_SUMS.stream().map(c -> "SUM(" + c + ") AS " + c)
            .collect(Collectors.joining(", "));

    private final JdbiCreditStore store;

    JdbcReportStore(JdbiCreditStore store) {
        this.store = store;
    }

    @Override
    public List<UsageRecord> sumUsage(UsageSelection selection) {
        SqlStatements sql = store.sql();
        boolean oneAccount = selection.accountIds() != null && selection.accountIds().size() == 1;
        if (selection.byBucket() && selection.byDetail() && (selection.byAccount() || oneAccount)) {
            // Every row is its own group already (the primary key): read the rows, nothing to add up.
            String rows = "SELECT " + (selection.byAccount() ? "account_id" : "NULL AS account_id") + ", "
                    + Tables.USAGE_BUCKETS.columnList().replaceFirst("^account_id, ", "")
                    + " FROM " + sql.prefix + "usage_buckets WHERE bucket_start_micros >= :from";
            return select(rows, selection);
        }
        StringBuilder query = new StringBuilder("SELECT ");
        query.append(selection.byAccount() ? "account_id" : "NULL AS account_id").append(", ");
        query.append(selection.byBucket() ? "bucket_start_micros" : "NULL AS bucket_start_micros").append(", ");
        List<String> groupBy = new ArrayList<>();
        if (selection.byDetail()) {
            // The group key stands for every key column: group by it, and read the columns from any of its rows.
            query.append("MAX(credit_type) AS credit_type, MAX(usage_kind) AS usage_kind, MAX(lot_source) AS lot_source,"
                    + " MAX(feature_key) AS feature_key, MAX(user_id) AS user_id, MAX(dimensions) AS dimensions,"
                    + " MAX(currency) AS currency, ");
            groupBy.add("group_key");
        } else {
            query.append("credit_type, usage_kind, lot_source, NULL AS feature_key, NULL AS user_id,"
                    + " NULL AS dimensions, currency, ");
            groupBy.addAll(List.of("credit_type", "usage_kind", "lot_source", "currency"));
        }
        if (selection.byAccount()) {
            groupBy.add("account_id");
        }
        if (selection.byBucket()) {
            groupBy.add("bucket_start_micros");
        }
        query.append(SUMS).append(" FROM ").append(sql.prefix).append("usage_buckets WHERE bucket_start_micros >= :from");
        return select(query.toString(), selection, " GROUP BY " + String.join(", ", groupBy));
    }

    private List<UsageRecord> select(String select, UsageSelection selection) {
        return select(select, selection, "");
    }

    /** Runs {@code select} (ending in its first condition) with the selection's other conditions, then {@code tail}. */
    private List<UsageRecord> select(String select, UsageSelection selection, String tail) {
        StringBuilder query = new StringBuilder(select);
        if (selection.to() != null) {
            query.append(" AND bucket_start_micros < :to");
        }
        if (selection.accountIds() != null) {
            query.append(selection.accountIds().size() == 1 ? " AND account_id = :accountId"
                    : " AND account_id IN (<accountIds>)");
        }
        if (selection.kinds() != null) {
            query.append(" AND usage_kind IN (<kinds>)");
        }
        query.append(tail);
        return store.autocommit("sumUsage", handle -> {
            Query statement = handle.createQuery(query.toString())
                    .bind("from", Rows.micros(selection.from()));
            if (selection.to() != null) {
                statement.bind("to", Rows.micros(selection.to()));
            }
            if (selection.accountIds() != null) {
                if (selection.accountIds().size() == 1) {
                    statement.bind("accountId", selection.accountIds().iterator().next());
                } else {
                    statement.bindList("accountIds", List.copyOf(selection.accountIds()));
                }
            }
            if (selection.kinds() != null) {
                statement.bindList("kinds", selection.kinds().stream().map(UsageKind::name).toList());
            }
            return statement.map(Tables::usageRecord).list();
        });
    }

    @Override
    public List<AccountBalances> listAccounts(AccountFilter filter) {
        SqlStatements sql = store.sql();
        String columns = Arrays.stream(Tables.ACCOUNTS.columnList().split(", ")).map(c -> "a." + c)
                .collect(Collectors.joining(", "));
        String available = "(COALESCE(b.balance, 0) - COALESCE(b.held, 0))";
        StringBuilder query = new StringBuilder("SELECT ").append(columns).append(" FROM ").append(sql.accounts)
                .append(" a LEFT JOIN ").append(sql.balances)
                .append(" b ON b.account_id = a.account_id AND b.credit_type = :creditType WHERE 1 = 1");
        if (filter.afterAccountId() != null) {
            query.append(" AND a.account_id > :after");
        }
        if (filter.status() != null) {
            query.append(" AND a.status = :status");
        }
        if (filter.planId() != null) {
            query.append(" AND a.plan_id = :planId");
        }
        if (filter.parentIds() != null) {
            query.append(" AND a.parent_id IN (<parentIds>)");
        }
        if (filter.availableBelow() != null) {
            query.append(" AND ").append(available).append(" < :below");
        }
        if (filter.availableAtLeast() != null) {
            query.append(" AND ").append(available).append(" >= :atLeast");
        }
        if (filter.lowBalance()) {
            query.append(" AND ").append(available).append(" <= CASE WHEN a.low_balance_threshold > 0")
                    .append(" THEN a.low_balance_threshold ELSE :defaultThreshold END");
        }
        query.append(" ORDER BY a.account_id LIMIT :limit");
        return store.autocommit("listAccounts", handle -> {
            Query statement = handle.createQuery(query.toString()).bind("creditType", filter.creditType())
                    .bind("limit", filter.limit());
            if (filter.afterAccountId() != null) {
                statement.bind("after", filter.afterAccountId());
            }
            if (filter.status() != null) {
                statement.bind("status", filter.status().name());
            }
            if (filter.planId() != null) {
                statement.bind("planId", filter.planId());
            }
            if (filter.parentIds() != null) {
                statement.bindList("parentIds", List.copyOf(filter.parentIds()));
            }
            if (filter.availableBelow() != null) {
                statement.bind("below", filter.availableBelow().longValue());
            }
            if (filter.availableAtLeast() != null) {
                statement.bind("atLeast", filter.availableAtLeast().longValue());
            }
            if (filter.lowBalance()) {
                statement.bind("defaultThreshold", filter.defaultThreshold());
            }
            List<dev.credits.Account> accounts = statement.map(Tables.ACCOUNTS.mapper()).list();
            if (accounts.isEmpty()) {
                return List.of();
            }
            Map<String, List<BalanceRecord>> balances = new HashMap<>();
            handle.createQuery("SELECT account_id, credit_type, balance, held FROM " + sql.balances
                            + " WHERE account_id IN (<accountIds>)")
                    .bindList("accountIds", accounts.stream().map(dev.credits.Account::accountId).toList())
                    .map(Tables.BALANCES.mapper())
                    .forEach(b -> balances.computeIfAbsent(b.accountId(), id -> new ArrayList<>()).add(b));
            List<AccountBalances> found = new ArrayList<>();
            for (dev.credits.Account account : accounts) {
                found.add(new AccountBalances(account, balances.getOrDefault(account.accountId(), List.of())));
            }
            return found;
        });
    }

    /**
     * {@inheritDoc} One transaction: the account row locked ({@code SELECT ... FOR UPDATE}, as units of work lock it)
     * and its sequence compared, the account's rows deleted, the new ones inserted in one JDBC batch.
     */
    @Override
    public boolean replaceUsage(String accountId, long sequence, List<UsageRecord> rows) {
        SqlStatements sql = store.sql();
        return store.transaction("replaceUsage", handle -> {
            java.util.Optional<dev.credits.Account> locked = handle.createQuery(sql.lockAccount())
                    .bind("accountId", accountId).map(Tables.ACCOUNTS.mapper()).findOne();
            if (locked.isEmpty() || locked.get().sequence() != sequence) {
                return false;
            }
            handle.createUpdate("DELETE FROM " + sql.prefix + "usage_buckets WHERE account_id = :accountId")
                    .bind("accountId", accountId).execute();
            if (!rows.isEmpty()) {
                org.jdbi.v3.core.statement.PreparedBatch batch = handle.prepareBatch(
                        sql.insert(Tables.USAGE_BUCKETS, 1));
                for (UsageRecord row : rows) {
                    int[] index = {0};
                    Tables.USAGE_BUCKETS.bind(row, (value, sqlType) -> {
                        if (value == null) {
                            batch.bindNull(index[0]++, sqlType);
                        } else {
                            batch.bind(index[0]++, value);
                        }
                    });
                    batch.add();
                }
                batch.execute();
            }
            return true;
        });
    }

    @Override
    public List<BalanceRecord> balanceTotals() {
        SqlStatements sql = store.sql();
        return store.autocommit("balanceTotals", handle -> handle.createQuery("SELECT credit_type, SUM(balance) AS"
                        + " balance, SUM(held) AS held FROM " + sql.balances + " GROUP BY credit_type")
                .map((rs, ctx) -> new BalanceRecord(null, rs.getString("credit_type"), rs.getLong("balance"),
                        rs.getLong("held")))
                .list());
    }

    @Override
    public List<AccountCount> countAccounts() {
        SqlStatements sql = store.sql();
        return store.autocommit("countAccounts", handle -> handle.createQuery("SELECT status, plan_id, COUNT(*) AS n"
                        + " FROM " + sql.accounts + " GROUP BY status, plan_id")
                .map((rs, ctx) -> new AccountCount(AccountStatus.valueOf(rs.getString("status")),
                        rs.getString("plan_id"), rs.getLong("n")))
                .list());
    }
}
