package dev.credits.jdbc;

import dev.credits.AuditAction;
import dev.credits.AuditFilter;
import dev.credits.AuditRecord;
import dev.credits.ChargeDispute;
import dev.credits.spi.AuditQuery;
import dev.credits.spi.DisputeQuery;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

import java.util.ArrayList;
import java.util.List;

/**
 * The statements of the audit trail and of disputes of charges (schema version 6): portable SQL, built per query from
 * the filter's conditions, with the columns of {@link Tables}. Stateless; thread-safe.
 */
final class AuditStatements {
    private static final String AUDIT_COLUMNS = "audit_no, " + Tables.AUDIT_RECORDS.columnList();
    private static final String DISPUTE_COLUMNS = Tables.CHARGE_DISPUTES.columnList();

    private AuditStatements() {
    }

    /** Appends one audit record; the database numbers it. */
    static void insertAudit(Handle handle, SqlStatements sql, AuditRecord record) {
        Update insert = handle.createUpdate(sql.insert(Tables.AUDIT_RECORDS, 1));
        Tables.AUDIT_RECORDS.bind(record, new CatalogRows.JdbiParams(insert));
        insert.execute();
    }

    /** Newest first by audit_no, served by (account_id, audit_no); the filter's other conditions are checked per row. */
    static List<AuditRecord> findAuditRecords(Handle handle, String prefix, AuditQuery query) {
        AuditFilter filter = query.filter() == null ? AuditFilter.all() : query.filter();
        StringBuilder sql = new StringBuilder(256).append("SELECT ").append(AUDIT_COLUMNS).append(" FROM ")
                .append(prefix).append("audit_records WHERE ")
                .append(query.accountId() == null ? "account_id IS NULL" : "account_id = :accountId")
                .append(" AND audit_no < :before");
        if (filter.actorId() != null) {
            sql.append(" AND actor_id = :actorId");
        }
        List<AuditAction> actions = new ArrayList<>(filter.actions());
        if (!actions.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < actions.size(); i++) {
                names.add(":action" + i);
            }
            sql.append(" AND action IN (").append(String.join(", ", names)).append(')');
        }
        if (filter.subject() != null) {
            sql.append(" AND subject = :subject");
        }
        if (filter.from() != null) {
            sql.append(" AND created_at_micros >= :from");
        }
        if (filter.to() != null) {
            sql.append(" AND created_at_micros < :to");
        }
        sql.append(" ORDER BY audit_no DESC LIMIT :limit");
        Query select = handle.createQuery(sql.toString()).bind("before", query.beforePosition())
                .bind("limit", query.limit());
        if (query.accountId() != null) {
            select.bind("accountId", query.accountId());
        }
        if (filter.actorId() != null) {
            select.bind("actorId", filter.actorId());
        }
        for (int i = 0; i < actions.size(); i++) {
            select.bind("action" + i, actions.get(i).name());
        }
        if (filter.subject() != null) {
            select.bind("subject", filter.subject());
        }
        if (filter.from() != null) {
            select.bind("from", Rows.micros(filter.from()));
        }
        if (filter.to() != null) {
            select.bind("to", Rows.micros(filter.to()));
        }
        return select.map(Tables.AUDIT_RECORDS.mapper()).list();
    }

    /** Oldest first by (submitted_at_micros, dispute_id), after the keyset cursor. */
    static List<ChargeDispute> findDisputes(Handle handle, String prefix, DisputeQuery q) {
        StringBuilder sql = new StringBuilder(256).append("SELECT ").append(DISPUTE_COLUMNS).append(" FROM ")
                .append(prefix).append("charge_disputes WHERE 1 = 1");
        if (q.disputeId() != null) {
            sql.append(" AND dispute_id = :disputeId");
        }
        if (q.accountId() != null) {
            sql.append(" AND account_id = :accountId");
        }
        if (q.status() != null) {
            sql.append(" AND status = :status");
        }
        if (q.from() != null) {
            sql.append(" AND submitted_at_micros >= :from");
        }
        if (q.to() != null) {
            sql.append(" AND submitted_at_micros < :to");
        }
        if (q.afterSubmittedAt() != null) {
            sql.append(" AND (submitted_at_micros > :afterAt OR (submitted_at_micros = :afterAt"
                    + " AND dispute_id > :afterId))");
        }
        sql.append(" ORDER BY submitted_at_micros, dispute_id LIMIT :limit");
        Query select = handle.createQuery(sql.toString()).bind("limit", q.limit());
        if (q.disputeId() != null) {
            select.bind("disputeId", q.disputeId());
        }
        if (q.accountId() != null) {
            select.bind("accountId", q.accountId());
        }
        if (q.status() != null) {
            select.bind("status", q.status().name());
        }
        if (q.from() != null) {
            select.bind("from", Rows.micros(q.from()));
        }
        if (q.to() != null) {
            select.bind("to", Rows.micros(q.to()));
        }
        if (q.afterSubmittedAt() != null) {
            select.bind("afterAt", Rows.micros(q.afterSubmittedAt())).bind("afterId", q.afterDisputeId());
        }
        return select.map(Tables.CHARGE_DISPUTES.mapper()).list();
    }

    /** The disputes of one of the account's charges, oldest first. */
    static List<ChargeDispute> findDisputesOfCharge(Handle handle, String prefix, String accountId,
                                                    String transactionId) {
        return handle.createQuery("SELECT " + DISPUTE_COLUMNS + " FROM " + prefix + "charge_disputes"
                        + " WHERE account_id = :accountId AND transaction_id = :transactionId"
                        + " ORDER BY submitted_at_micros, dispute_id")
                .bind("accountId", accountId).bind("transactionId", transactionId)
                .map(Tables.CHARGE_DISPUTES.mapper()).list();
    }
}
