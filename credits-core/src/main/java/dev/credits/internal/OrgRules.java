package dev.credits.internal;

import dev.credits.Account;
import dev.credits.AuditAction;
import dev.credits.InvalidArgumentException;
import dev.credits.RejectionReason;
import dev.credits.SpendingCap;
import dev.credits.TransferRequest;
import dev.credits.TransferResult;
import dev.credits.spi.CreditStore;
import dev.credits.spi.ReportStore;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of organizations: pools and their members, spending caps, and transfers between two accounts of one
 * organization. (How a member spends from its pools is {@link Pools}; how caps count is {@link Caps}.) Every
 * change here is audited in its own unit of work ({@link AuditAction}: membership, cap, allocation). Stateless apart
 * from its collaborators; thread-safe.
 */
public final class OrgRules {
    private final UnitOfWork uow;
    private final ReportStore reports;

    public OrgRules(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.reports = store.reports();
    }

    private static Map<String, String> parentField(String parentId) {
        Map<String, String> field = new java.util.HashMap<>();
        field.put("parentId", parentId);
        return field;
    }

    // ------------------------------------------------------------ pools and members

    public Account setParent(String memberId, String parentId) {
        String member = Checks.id("memberId", memberId);
        String parent = Checks.optionalId("parentId", parentId);
        if (member.equals(parent)) {
            throw new InvalidArgumentException("parentId", "an account cannot be its own pool: '" + member + "'");
        }
        List<String> named = parent == null ? List.of(member) : List.of(member, parent);
        // Read before the locks (the store's listing is no part of a unit of work): a member moves with its subtree.
        int height = parent == null ? 0 : levelsBelow(member);
        return uow.mutateAll(named, null, null, sessions -> {
            AccountSession session = sessions.get(0);
            Account before = session.account();
            if (java.util.Objects.equals(before.parentId(), parent)) {
                return before;
            }
            if (parent != null) {
                AccountSession pool = sessions.get(1);
                if (pool.pools().contains(session)) {
                    throw new InvalidArgumentException("parentId", "'" + parent + "' is a member of '" + member
                            + "' (directly or below it): the hierarchy would loop");
                }
                if (pool.pools().size() + 2 > UnitOfWork.MAX_DEPTH) {
                    throw new InvalidArgumentException("parentId", "'" + parent + "' is " + (pool.pools().size() + 1)
                            + " levels deep: an organization has at most " + UnitOfWork.MAX_DEPTH + " levels");
                }
                if (pool.pools().size() + 2 + height > UnitOfWork.MAX_DEPTH) {
                    throw new InvalidArgumentException("parentId", "'" + member + "' has members " + height
                            + " level(s) below it and '" + parent + "' is " + (pool.pools().size() + 1)
                            + " levels deep: an organization has at most " + UnitOfWork.MAX_DEPTH + " levels");
                }
            }
            Account changed = before.withParent(parent, session.now());
            session.audit(AuditAction.MEMBERSHIP_CHANGED, member, parentField(before.parentId()), parentField(parent));
            return UnitOfWork.changeAccount(session, changed);
        });
    }

    /**
     * @return how many levels of members there are below the account (0 without members), read level by level; stops
     * once it passes the most an organization may have
     */
    private int levelsBelow(String accountId) {
        Set<String> level = Set.of(accountId);
        int height = 0;
        while (height < UnitOfWork.MAX_DEPTH) {
            Set<String> next = MemberLevels.ids(MemberLevels.below(reports, level));
            if (next.isEmpty()) {
                break;
            }
            height++;
            level = next;
        }
        return height;
    }

    // ------------------------------------------------------------ caps

    public SpendingCap setCap(String accountId, SpendingCap cap) {
        String id = Checks.id("accountId", accountId);
        Checks.required("cap", cap);
        Checks.id("capId", cap.capId());
        Checks.required("period", cap.period());
        Checks.notNegative("limit", cap.limit());
        Checks.optionalId("keyName", cap.keyName());
        Checks.creditType(cap.creditType());
        Checks.required("zone", cap.zone());
        return uow.mutate(id, session -> {
            Optional<SpendingCap> before = session.orgRows.caps(session).stream()
                    .filter(c -> c.capId().equals(cap.capId())).findFirst();
            // A re-set that counts the same spending keeps the usage and so the holds it counted: they must still
            // give back to it (Caps.giveBack skips caps that began counting after a hold was placed).
            Instant since = before.filter(b -> countsLike(b, cap)).map(SpendingCap::changedAt).orElse(session.now());
            SpendingCap stored = cap.stored(id, session.actor() == null ? null : session.actor().id(), since);
            session.orgRows.putCap(stored);
            if (!session.account().capped()) {
                session.changeAccount(session.account().withCapped(true, session.now()));
            }
            session.audit(AuditAction.CAP_CHANGED, id + "/" + cap.capId(), AuditTrail.fields(before.orElse(null)),
                    AuditTrail.fields(stored));
            session.write();
            return stored;
        });
    }

    /** @return whether two caps count the same spending (period, zone, key, credit type): only the limit differs */
    private static boolean countsLike(SpendingCap a, SpendingCap b) {
        return a.period() == b.period() && a.zone().equals(b.zone()) && Objects.equals(a.keyName(), b.keyName())
                && a.creditType().equals(b.creditType());
    }

    public boolean removeCap(String accountId, String capId) {
        String id = Checks.id("accountId", accountId);
        String cap = Checks.id("capId", capId);
        return uow.mutate(id, session -> {
            Optional<SpendingCap> before = session.orgRows.caps(session).stream()
                    .filter(c -> c.capId().equals(cap)).findFirst();
            if (before.isEmpty()) {
                return false;
            }
            session.orgRows.removeCap(cap);
            if (session.orgRows.caps(session).isEmpty()) {
                session.changeAccount(session.account().withCapped(false, session.now()));
            }
            session.audit(AuditAction.CAP_CHANGED, id + "/" + cap, AuditTrail.fields(before.get()), Map.of());
            session.write();
            return true;
        });
    }

    public List<SpendingCap> caps(String accountId) {
        String id = Checks.id("accountId", accountId);
        return uow.read(id, null, session -> List.copyOf(session.orgRows.caps(session)));
    }

    public long capUsed(String accountId, String capId, String key) {
        String id = Checks.id("accountId", accountId);
        String cap = Checks.id("capId", capId);
        String value = key == null ? "" : Checks.id("key", key);
        // Its members' holds that timed out unnoticed count no more (as expireDue would write it).
        uow.dueHolds().settleMembersOf(id);
        return uow.read(id, null, session -> {
            Instant now = session.now();
            return session.orgRows.caps(session).stream().filter(c -> c.capId().equals(cap)).findFirst()
                    .map(c -> session.orgRows.used(session, cap, value, c.period().start(now, c.zone())))
                    .orElse(0L);
        });
    }

    // ------------------------------------------------------------ transfers

    public TransferResult transfer(TransferRequest request) {
        Checks.required("request", request);
        String from = Checks.id("fromAccountId", request.fromAccountId());
        String to = Checks.id("toAccountId", request.toAccountId());
        if (from.equals(to)) {
            throw new InvalidArgumentException("toAccountId", "a transfer needs two accounts, not '" + from
                    + "' twice");
        }
        long credits = Checks.positive("credits", request.credits());
        String type = Checks.creditType(request.creditType());
        String reason = Checks.text("reason", request.reason());
        String key = Checks.optionalId("idempotencyKey", request.idempotencyKey());
        Map<String, String> fingerprint = new LinkedHashMap<>();
        fingerprint.put("op", "transfer");
        fingerprint.put("to", to);
        fingerprint.put("credits", Long.toString(credits));
        fingerprint.put("creditType", type);
        fingerprint.put("reason", reason);
        return uow.mutateAll(List.of(from, to), null, key, sessions -> {
            AccountSession source = sessions.get(0);
            AccountSession target = sessions.get(1);
            Optional<TransferResult> replay = UnitOfWork.replay(source, key, fingerprint, f -> new TransferResult(
                    true, null, from, to, credits, f.get("out"), f.get("in"), Long.parseLong(f.get("fromAvailable")),
                    Long.parseLong(f.get("toAvailable")), true));
            if (replay.isPresent()) {
                return replay.get();
            }
            if (!root(source).equals(root(target))) {
                throw new InvalidArgumentException("toAccountId", "'" + to + "' is not in the organization of '"
                        + from + "' (their root pools differ)");
            }
            source.settle();
            target.settle();
            long available = source.available(type);
            if (available < credits) {
                return new TransferResult(false, RejectionReason.INSUFFICIENT_CREDITS, from, to, 0, null, null,
                        available, 0, false);
            }
            Pools.Moved moved = Pools.move(source, target, type, credits,
                    reason != null ? reason : "transfer from '" + from + "' to '" + to + "'");
            TransferResult result = new TransferResult(true, null, from, to, credits, moved.outTransactionId(),
                    moved.inTransactionId(), source.available(type), target.available(type), false);
            if (key != null) {
                Map<String, String> stored = new LinkedHashMap<>();
                stored.put("out", result.outTransactionId());
                stored.put("in", result.inTransactionId());
                stored.put("fromAvailable", Long.toString(result.fromAvailable()));
                stored.put("toAvailable", Long.toString(result.toAvailable()));
                source.recordIdempotency(key, Codec.encode(fingerprint), Codec.encode(stored));
            }
            source.audit(AuditAction.ALLOCATION_CHANGED, from + "->" + to, Map.of(), AuditTrail.fields(result));
            source.write();
            target.write();
            return result;
        });
    }

    /** @return the id of the organization's root pool above the session's account (itself without pool) */
    private static String root(AccountSession session) {
        List<AccountSession> pools = session.pools();
        return pools.isEmpty() ? session.accountId() : pools.get(pools.size() - 1).accountId();
    }
}
