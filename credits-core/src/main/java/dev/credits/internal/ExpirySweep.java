package dev.credits.internal;

import dev.credits.CreditsException;
import dev.credits.ExpiryReport;
import dev.credits.InvalidArgumentException;
import dev.credits.StoreUnavailableException;
import dev.credits.UnknownAccountException;
import dev.credits.spi.CreditStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The expiry sweep: writes the expiry of due lots and the timeout of due holds, account by account.
 * Stateless apart from its collaborators; thread-safe.
 */
public final class ExpirySweep {
    private static final Logger LOG = LoggerFactory.getLogger(ExpirySweep.class);
    private static final int EXPIRY_BATCH = 100;

    private final UnitOfWork uow;
    private final CreditStore store;

    public ExpirySweep(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.store = store;
    }

    public ExpiryReport expireDue() {
        int accounts = 0;
        int failed = 0;
        long lots = 0;
        long credits = 0;
        long holds = 0;
        Set<String> done = new LinkedHashSet<>();
        while (true) {
            Instant now = uow.now();
            List<String> due = store.findAccountsWithDueItems(now, EXPIRY_BATCH);
            boolean progress = false;
            for (String accountId : due) {
                if (!done.add(accountId + "@" + now)) {
                    continue;
                }
                progress = true;
                long[] counts;
                try {
                    counts = settleAlone(accountId, now, false);
                    if (counts == null) {
                        try {
                            counts = settleWithPools(accountId);
                        } catch (InvalidArgumentException tooDeep) {
                            // A chain past the depth limit (made before setParent counted the levels of a moved
                            // account's members) cannot be locked as one; its own items are still swept.
                            counts = settleAlone(accountId, now, true);
                        }
                    }
                } catch (UnknownAccountException gone) {
                    continue;
                } catch (StoreUnavailableException down) {
                    throw down;  // the store is down: no other account would fare better
                } catch (CreditsException failure) {
                    // One failing account must not stop the sweep of the others; it is tried again next time.
                    failed++;
                    LOG.warn("expiry sweep of account {} failed", accountId, failure);
                    continue;
                }
                accounts++;
                lots += counts[0];
                credits += counts[1];
                holds += counts[2];
            }
            if (!progress || due.size() < EXPIRY_BATCH) {
                break;
            }
        }
        if (accounts > 0) {
            LOG.debug("expired {} lots ({} credits) and {} holds on {} accounts", lots, credits, holds, accounts);
        }
        return new ExpiryReport(accounts, (int) lots, credits, (int) holds, failed);
    }

    /** @return the account's counts, settled on its own; null for a member unless {@code evenAMember} */
    private long[] settleAlone(String accountId, Instant now, boolean evenAMember) {
        return store.inAccount(accountId, tx -> {
            AccountSession session = new AccountSession(tx, now, uow.order(), uow.events(), uow.usage());
            if (session.account().parentId() != null && !evenAMember) {
                return null;
            }
            session.settle();
            session.write();
            return new long[]{session.lotsExpired(), session.creditsExpired(), session.holdsExpired()};
        });
    }

    /**
     * Settles a member in a unit with its pools: a timed-out hold gives back what it counted against their caps.
     *
     * @return the counts of the member and of its pools (the unit settled them too)
     */
    private long[] settleWithPools(String accountId) {
        return uow.mutateAll(List.of(accountId), null, null, sessions -> {
            AccountSession member = sessions.get(0);
            member.settle();
            member.write();
            List<AccountSession> all = new ArrayList<>(member.pools());
            all.add(member);
            long[] sum = new long[3];
            for (AccountSession session : all) {
                sum[0] += session.lotsExpired();
                sum[1] += session.creditsExpired();
                sum[2] += session.holdsExpired();
            }
            return sum;
        });
    }
}
