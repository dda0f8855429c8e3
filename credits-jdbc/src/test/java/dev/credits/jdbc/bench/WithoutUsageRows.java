package dev.credits.jdbc.bench;

import dev.credits.Account;
import dev.credits.AccountLink;
import dev.credits.Allocation;
import dev.credits.Hold;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.Purchase;
import dev.credits.spi.AccountSnapshot;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.AccountWork;
import dev.credits.spi.AlertState;
import dev.credits.spi.CatalogStore;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.CreditStore;
import dev.credits.spi.EntryQuery;
import dev.credits.spi.EventStore;
import dev.credits.spi.ReportStore;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A store that drops the usage rows of every change set and passes everything else through: the baseline of the
 * reports benchmark's "what the usage rows add to a deduction" (benchmark only; reports on it are wrong).
 */
final class WithoutUsageRows implements CreditStore {
    private final CreditStore store;

    WithoutUsageRows(CreditStore store) {
        this.store = store;
    }

    @Override
    public <T> T inAccount(String accountId, AccountWork<T> work) {
        return store.inAccount(accountId, tx -> work.run(new Stripping(tx)));
    }

    @Override
    public Account insertAccountIfAbsent(Account account) {
        return store.insertAccountIfAbsent(account);
    }

    @Override
    public <T> T readAccount(String accountId, AccountWork<T> work) {
        return store.readAccount(accountId, work);
    }

    @Override
    public Optional<Account> findAccount(String accountId) {
        return store.findAccount(accountId);
    }

    @Override
    public Optional<String> findAccountOfTransaction(String transactionId) {
        return store.findAccountOfTransaction(transactionId);
    }

    @Override
    public Optional<String> findAccountOfHold(String holdId) {
        return store.findAccountOfHold(holdId);
    }

    @Override
    public Optional<String> findAccountOfPurchase(String purchaseId) {
        return store.findAccountOfPurchase(purchaseId);
    }

    @Override
    public List<String> findAccountsWithDueItems(Instant now, int limit) {
        return store.findAccountsWithDueItems(now, limit);
    }

    @Override
    public List<LedgerEntry> findEntries(String accountId, EntryQuery query) {
        return store.findEntries(accountId, query);
    }

    @Override
    public AccountLink insertAccountLinkIfAbsent(AccountLink link) {
        return store.insertAccountLinkIfAbsent(link);
    }

    @Override
    public Optional<AccountLink> findAccountLink(String reference) {
        return store.findAccountLink(reference);
    }

    @Override
    public List<dev.credits.AuditRecord> findAuditRecords(dev.credits.spi.AuditQuery query) {
        return store.findAuditRecords(query);
    }

    @Override
    public List<dev.credits.ChargeDispute> findDisputes(dev.credits.spi.DisputeQuery query) {
        return store.findDisputes(query);
    }

    @Override
    public CatalogStore catalog() {
        return store.catalog();
    }

    @Override
    public EventStore events() {
        return store.events();
    }

    @Override
    public ReportStore reports() {
        return store.reports();
    }

    /** The unit of work's transaction, writing its change set without usage rows. */
    private record Stripping(AccountTransaction tx) implements AccountTransaction {

        @Override
        public void write(ChangeSet c) {
            tx.write(new ChangeSet(c.account(), c.balances(), c.insertedLots(), c.updatedLots(), c.entries(),
                    c.allocations(), c.insertedHolds(), c.updatedHolds(), c.idempotency(), c.purchases(),
                    c.promotionUses(), c.events(), c.audits(), c.disputes(), List.of()));
        }

        @Override
        public AccountSnapshot snapshot(Instant now, String featureKey, String idempotencyKey) {
            return tx.snapshot(now, featureKey, idempotencyKey);
        }

        @Override
        public Optional<Lot> findLot(String lotId) {
            return tx.findLot(lotId);
        }

        @Override
        public Optional<LedgerEntry> findEntry(String transactionId) {
            return tx.findEntry(transactionId);
        }

        @Override
        public List<LedgerEntry> findEntriesReferencing(String transactionId) {
            return tx.findEntriesReferencing(transactionId);
        }

        @Override
        public List<Allocation> findAllocations(String ownerId) {
            return tx.findAllocations(ownerId);
        }

        @Override
        public Optional<Hold> findHold(String holdId) {
            return tx.findHold(holdId);
        }

        @Override
        public List<Hold> findOpenHolds() {
            return tx.findOpenHolds();
        }

        @Override
        public List<dev.credits.ChargeDispute> findDisputes(String transactionId) {
            return tx.findDisputes(transactionId);
        }

        @Override
        public List<Hold> findHoldsChanged(long afterSequence, long upToSequence) {
            return tx.findHoldsChanged(afterSequence, upToSequence);
        }

        @Override
        public Optional<Purchase> findPurchase(String purchaseId) {
            return tx.findPurchase(purchaseId);
        }

        @Override
        public List<Purchase> listPurchases() {
            return tx.listPurchases();
        }

        @Override
        public List<Lot> findLotsExpiringAt(Instant at) {
            return tx.findLotsExpiringAt(at);
        }

        @Override
        public Optional<AlertState> findAlertState(String creditType) {
            return tx.findAlertState(creditType);
        }

        @Override
        public Set<String> findExpiryNotices(Collection<String> lotIds) {
            return tx.findExpiryNotices(lotIds);
        }

        @Override
        public <T> Optional<T> find(CatalogTable<T> table, String key) {
            return tx.find(table, key);
        }
    }
}
