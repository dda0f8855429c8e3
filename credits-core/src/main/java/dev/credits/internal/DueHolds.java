package dev.credits.internal;

import dev.credits.CapExceeded;
import dev.credits.InvalidArgumentException;
import dev.credits.TransactionConflictException;
import dev.credits.UnknownAccountException;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.CreditStore;
import dev.credits.spi.ReportStore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Times out the due holds of a pool's members, each in a unit of work with its pools, so that what a member's hold
 * counted against a pool's caps goes back to the pool. A member's own calls do this as they settle; a pool's caps
 * are also read and spent by calls that lock the pool but not that member, and those ask here first. Stateless
 * apart from its collaborators; thread-safe.
 */
final class DueHolds {
    /** The most due accounts asked for at once; past it every member with an open hold is settled. */
    private static final int DUE_LIMIT = 1_000;

    private final UnitOfWork uow;
    private final CreditStore store;

    DueHolds(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.store = store;
    }

    /**
     * Runs a spend; when a cap refused it and timing out the due holds of the members under that cap's account gave
     * something back (a member's hold that timed out unnoticed still counted against it), runs it once more. A refusal
     * wrote nothing, so running again is safe.
     *
     * @param refusedBy the cap that refused a result ({@code capExceeded()}), null when none did
     */
    <R> R spendAfterDueHolds(Supplier<R> spend, Function<R, CapExceeded> refusedBy) {
        R result = spend.get();
        CapExceeded cap = refusedBy.apply(result);
        return cap != null && settleMembersOf(cap.accountId()) ? spend.get() : result;
    }

    /**
     * Settles every account under {@code poolId} that holds credits and has something due.
     *
     * @return whether a hold timed out (so the pool's caps may have been given something back)
     */
    boolean settleMembersOf(String poolId) {
        List<String> holding = holdingMembers(poolId);
        if (holding.isEmpty()) {
            return false; // the common case: no member holds anything
        }
        List<String> due = store.findAccountsWithDueItems(uow.now(), DUE_LIMIT);
        if (due.isEmpty()) {
            return false;
        }
        Set<String> dueSet = due.size() < DUE_LIMIT ? new HashSet<>(due) : null;
        boolean released = false;
        for (String member : holding) {
            if (dueSet != null && !dueSet.contains(member)) {
                continue;
            }
            try {
                released |= uow.mutateAll(List.of(member), null, null, sessions -> {
                    AccountSession session = sessions.get(0);
                    session.settle();
                    session.write();
                    return session.holdsExpired() > 0;
                });
            } catch (UnknownAccountException | InvalidArgumentException | TransactionConflictException skipped) {
                // Best effort for the caller's sake: a member deleted meanwhile, nested past the depth limit, or
                // whose pools keep moving is left to its own calls and the sweep.
            }
        }
        return released;
    }

    /** @return the accounts under the pool (every level) with credits held, the nearest levels first */
    private List<String> holdingMembers(String poolId) {
        List<String> holding = new ArrayList<>();
        Set<String> level = Set.of(poolId);
        for (int depth = 1; depth < UnitOfWork.MAX_DEPTH && !level.isEmpty(); depth++) {
            List<ReportStore.AccountBalances> members = MemberLevels.below(store.reports(), level);
            for (ReportStore.AccountBalances member : members) {
                if (member.balances().stream().mapToLong(BalanceRecord::held).anyMatch(h -> h > 0)) {
                    holding.add(member.account().accountId());
                }
            }
            level = MemberLevels.ids(members);
        }
        return holding;
    }
}
