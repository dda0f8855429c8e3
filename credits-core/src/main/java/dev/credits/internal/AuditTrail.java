package dev.credits.internal;

import dev.credits.Account;
import dev.credits.AccountStatus;
import dev.credits.Actor;
import dev.credits.AuditAction;
import dev.credits.AuditFilter;
import dev.credits.AuditPage;
import dev.credits.AuditRecord;
import dev.credits.FeaturePricing;
import dev.credits.InvalidArgumentException;
import dev.credits.PageRequest;
import dev.credits.PriceChange;
import dev.credits.spi.AuditQuery;
import dev.credits.spi.CreditStore;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The rules of the audit trail: what an audit record of a change holds (the fields that changed, before and after),
 * the records an account change implies, catalog changes written with their record, and the reads. Stateless apart
 * from its collaborators; thread-safe.
 */
public final class AuditTrail {
    /** Fields that say when, not what: never part of a before/after. */
    private static final Set<String> NOT_AUDITED = Set.of("createdAt", "updatedAt", "uses", "sequence");

    private final UnitOfWork uow;
    private final CreditStore store;

    public AuditTrail(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.store = store;
    }

    // ------------------------------------------------------------ records

    /** @return a record (position and sequence 0: the write stamps them) keeping only the fields that differ */
    static AuditRecord record(String accountId, AuditAction action, String subject, Actor actor,
                              Map<String, String> before, Map<String, String> after, Instant at) {
        Map<String, String> was = before == null ? Map.of() : before;
        Map<String, String> is = after == null ? Map.of() : after;
        Map<String, String> changedBefore = new LinkedHashMap<>();
        Map<String, String> changedAfter = new LinkedHashMap<>();
        if (was.isEmpty() || is.isEmpty()) {
            changedBefore.putAll(was);
            changedAfter.putAll(is);
        } else {
            for (String field : union(was, is)) {
                if (!Objects.equals(was.get(field), is.get(field))) {
                    changedBefore.put(field, was.get(field));
                    changedAfter.put(field, is.get(field));
                }
            }
        }
        return new AuditRecord(0, accountId, 0, action, subject, actor, changedBefore, changedAfter, at);
    }

    private static List<String> union(Map<String, String> a, Map<String, String> b) {
        List<String> fields = new ArrayList<>(a.keySet());
        for (String field : b.keySet()) {
            if (!a.containsKey(field)) {
                fields.add(field);
            }
        }
        return fields;
    }

    /** @return a record's fields as text, by component name (times and counters left out), or empty for null */
    static Map<String, String> fields(Record row) {
        if (row == null) {
            return Map.of();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (RecordComponent component : row.getClass().getRecordComponents()) {
            if (NOT_AUDITED.contains(component.getName())) {
                continue;
            }
            try {
                fields.put(component.getName(), text(component.getAccessor().invoke(row)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component, e);
            }
        }
        return fields;
    }

    /** @return the value as text; maps and sets sorted, so equal values always read the same */
    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        try {
            if (value instanceof Map<?, ?> map) {
                return new java.util.TreeMap<>(map).toString();
            }
            if (value instanceof Set<?> set) {
                return new java.util.TreeSet<>(set).toString();
            }
        } catch (ClassCastException | NullPointerException notSortable) {
            // keys without an order (none of the ledger's records has them): as they come
        }
        return String.valueOf(value);
    }

    /**
     * The records an account row change implies: pause and resume, settings, plan assignment and end. Derived when a
     * unit of work writes (as its period events are), so no rule can change these fields without a record.
     */
    static List<AuditRecord> accountChanges(Account before, Account after, Actor actor, Instant at) {
        List<AuditRecord> records = new ArrayList<>();
        String id = after.accountId();
        if (before.status() != after.status()) {
            records.add(record(id, after.status() == AccountStatus.PAUSED ? AuditAction.ACCOUNT_PAUSED
                    : AuditAction.ACCOUNT_RESUMED, id, actor, Map.of("status", before.status().name()),
                    Map.of("status", after.status().name()), at));
        }
        if (!before.settings().equals(after.settings())) {
            records.add(record(id, AuditAction.SETTINGS_CHANGED, id, actor, fields(before.settings()),
                    fields(after.settings()), at));
        }
        if (!Objects.equals(before.planId(), after.planId())
                || !Objects.equals(before.nextPlanId(), after.nextPlanId())) {
            boolean ended = after.planId() == null && after.nextPlanId() == null;
            String subject = ended ? before.planId()
                    : after.nextPlanId() != null ? after.nextPlanId() : after.planId();
            records.add(record(id, ended ? AuditAction.PLAN_ENDED : AuditAction.PLAN_ASSIGNED,
                    subject == null ? id : subject, actor, planFields(before), planFields(after), at));
        }
        return records;
    }

    private static Map<String, String> planFields(Account account) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("planId", account.planId());
        fields.put("nextPlanId", account.nextPlanId());
        return fields;
    }

    // ------------------------------------------------------------ reads

    public AuditPage account(String accountId, AuditFilter filter, PageRequest page) {
        Checks.id("accountId", accountId);
        return read(accountId, filter, page);
    }

    public AuditPage catalog(AuditFilter filter, PageRequest page) {
        return read(null, filter, page);
    }

    /**
     * @return the feature's price changes, oldest first: each with the price and state in effect after it, folded
     *         from its catalog records
     */
    public List<PriceChange> priceHistory(String featureKey) {
        Checks.featureKey(featureKey);
        AuditFilter filter = AuditFilter.all().withSubject(featureKey).withActions(AuditAction.FEATURE_CREATED,
                AuditAction.FEATURE_UPDATED, AuditAction.FEATURE_DEACTIVATED, AuditAction.FEATURE_REACTIVATED,
                AuditAction.FEATURE_DELETED);
        List<AuditRecord> newestFirst = new ArrayList<>();
        long before = Long.MAX_VALUE;
        while (true) {
            List<AuditRecord> page = store.findAuditRecords(new AuditQuery(null, filter, before, PageRequest.MAX_LIMIT));
            newestFirst.addAll(page);
            if (page.size() < PageRequest.MAX_LIMIT) {
                break;
            }
            before = page.get(page.size() - 1).position();
        }
        Collections.reverse(newestFirst);
        List<PriceChange> changes = new ArrayList<>();
        Map<String, String> state = new LinkedHashMap<>();
        for (AuditRecord record : newestFirst) {
            if (record.action() == AuditAction.FEATURE_CREATED) {
                state.clear();
            }
            state.putAll(record.after().isEmpty() ? record.before() : record.after());
            changes.add(new PriceChange(record.createdAt(), record.action(), record.actor(),
                    parseLong(state.get("creditsPerUnit")),
                    record.action() != AuditAction.FEATURE_DELETED && Boolean.parseBoolean(state.get("active")),
                    record.before(), record.after()));
        }
        return changes;
    }

    private static long parseLong(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    private AuditPage read(String accountId, AuditFilter filter, PageRequest page) {
        Checks.required("filter", filter);
        Checks.required("page", page);
        Checks.pageLimit(page.limit());
        long before = cursor(page.cursor());
        List<AuditRecord> records = store.findAuditRecords(new AuditQuery(accountId, filter, before, page.limit() + 1));
        boolean more = records.size() > page.limit();
        List<AuditRecord> shown = more ? records.subList(0, page.limit()) : records;
        return new AuditPage(shown, more ? Long.toString(shown.get(shown.size() - 1).position()) : null);
    }

    private static long cursor(String cursor) {
        if (cursor == null) {
            return Long.MAX_VALUE;
        }
        try {
            long position = Long.parseLong(cursor);
            if (position > 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // falls through to the typed error
        }
        throw new InvalidArgumentException("cursor", "not a cursor of the audit trail: " + cursor);
    }
}
