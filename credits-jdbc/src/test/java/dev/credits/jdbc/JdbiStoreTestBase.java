package dev.credits.jdbc;

import dev.credits.Account;
import dev.credits.AccountStatus;
import dev.credits.Allocation;
import dev.credits.AllowancePeriod;
import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.EntryType;
import dev.credits.FeaturePricing;
import dev.credits.HistoryFilter;
import dev.credits.Hold;
import dev.credits.HoldStatus;
import dev.credits.IdempotencyConflictException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.Promotion;
import dev.credits.DisputeStatus;
import dev.credits.Purchase;
import dev.credits.PurchaseStatus;
import dev.credits.LockTimeoutException;
import dev.credits.StoreConfigurationException;
import dev.credits.StoreUnavailableException;
import dev.credits.UnknownAccountException;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.EntryQuery;
import dev.credits.spi.IdempotencyRecord;
import dev.credits.spi.PromotionExhaustedException;
import dev.credits.spi.PromotionUse;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Store-level tests of {@link JdbiCreditStore} through the SPI (no ledger rules involved), run on every database
 * by a subclass: every record round-trips exactly, the account lock serializes units of work across pools,
 * failures roll back completely, transient conflicts are retried. The ledger-level proof is the TCK
 * ({@code CreditStoreContract}) and {@code LedgerConcurrencyTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbiStoreTestBase {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private TestDatabase database;
    DataSource pool;
    FailingDataSource failing;
    JdbiCreditStore store;

    /** @return a new database for this class's run */
    abstract TestDatabase createDatabase();

    TestDatabase database() {
        if (database == null) {
            database = createDatabase();
        }
        return database;
    }

    @BeforeEach
    void openStore() {
        if (pool == null) {
            pool = database().newPool(12);
            database().builder(pool).build().installSchema();
        }
        database().deleteAllRows(pool, database().tablePrefix());
        failing = new FailingDataSource(pool);
        store = database().builder(failing).maxRetries(3).build();
    }

    @AfterEach
    void disarm() {
        failing.disarm();
    }

    @AfterAll
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    // ---------------------------------------------------------------- fixtures

    static Account account(String id) {
        return new Account(id, AccountStatus.ACTIVE, 0, 0, 0, null, null, null, null, 0, T0, T0);
    }

    static Lot lot(String id, String accountId, String creditType, long amount, Instant expiresAt) {
        return new Lot(id, accountId, creditType, LotSource.PURCHASE, 10, amount, amount, 0, expiresAt,
                Money.of("19.99", "USD"), Map.of("order", "o-1", "note", "çå ✓"), T0, "tx-" + id, null, null);
    }

    static LedgerEntry entry(String txId, String accountId, long sequence, EntryType type, long amount,
                             long balanceAfter, Instant at) {
        return new LedgerEntry(txId, accountId, sequence, type, "credits", amount, balanceAfter,
                type == EntryType.DEDUCTION ? "image_gen" : null, type == EntryType.DEDUCTION ? 1 : 0,
                type == EntryType.DEDUCTION ? -amount : 0, null, 0, type == EntryType.DEDUCTION ? "user-1" : null,
                null, null, null, null, null, Map.of(), at);
    }

    static Hold hold(String id, String accountId, long amount, Instant expiresAt) {
        return Hold.work(id, accountId, "credits").feature("image_gen", 2, amount / 2, "pro").amount(amount)
                .userId("user-7").idempotencyKey("idem-" + id).metadata(Map.of("job", "j-1")).createdAt(T0)
                .expiresAt(expiresAt).build();
    }

    static ChangeSet changes(Account account, List<BalanceRecord> balances, List<Lot> insertedLots,
                             List<Lot> updatedLots, List<LedgerEntry> entries, List<Allocation> allocations,
                             List<Hold> insertedHolds, List<Hold> updatedHolds, IdempotencyRecord idempotency) {
        return new ChangeSet(account, balances, insertedLots, updatedLots, entries, allocations, insertedHolds,
                updatedHolds, idempotency == null ? List.of() : List.of(idempotency), List.of(), List.of());
    }

    /** A grant: one lot, one entry, one allocation, the balance, sequence + 1. */
    static void grant(AccountTransaction tx, String lotId, long amount, Instant expiresAt) {
        Account account = jdbc(tx).account();
        long sequence = account.sequence() + 1;
        long balance = jdbc(tx).balance("credits").map(BalanceRecord::balance).orElse(0L) + amount;
        long held = jdbc(tx).balance("credits").map(BalanceRecord::held).orElse(0L);
        Lot lot = lot(lotId, account.accountId(), "credits", amount, expiresAt);
        tx.write(changes(account.withSequence(sequence),
                List.of(new BalanceRecord(account.accountId(), "credits", balance, held)), List.of(lot), List.of(),
                List.of(entry(lot.transactionId(), account.accountId(), sequence, EntryType.GRANT, amount, balance, T0)),
                List.of(new Allocation(lot.transactionId(), 0, lotId, amount)), List.of(), List.of(), null));
    }

    /** Everything observable about one account, to compare before and after a failed call. */
    record Snapshot(Account account, List<BalanceRecord> balances, List<Lot> lots, List<LedgerEntry> entries,
                    List<Hold> holds) {
    }

    Snapshot snapshot(String accountId) {
        return store.readAccount(accountId, tx -> new Snapshot(jdbc(tx).account(), jdbc(tx).balances(),
                jdbc(tx).liveLots().stream().sorted(java.util.Comparator.comparing(Lot::lotId)).toList(),
                store.findEntries(accountId, new EntryQuery(HistoryFilter.all(), Long.MAX_VALUE, 1000)),
                tx.findOpenHolds()));
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void everyRecordRoundTripsExactly() {
        store.insertAccountIfAbsent(account("acc-1"));
        Instant expiry = T0.plusSeconds(3600).plusNanos(123_456_000); // micro precision survives
        Lot paid = lot("lot-1", "acc-1", "credits", 100, expiry);
        Lot voice = new Lot("lot-2", "acc-1", "voice", LotSource.SUBSCRIPTION, 0, 30, 30, 0, null, null, null, T0,
                "tx-lot-2", null, new AllowancePeriod("pro", T0.minusSeconds(3600), true));
        LedgerEntry grant = entry("tx-lot-1", "acc-1", 1, EntryType.GRANT, 100, 100, T0);
        LedgerEntry grantVoice = new LedgerEntry("tx-lot-2", "acc-1", 2, EntryType.GRANT, "voice", 30, 30, null, 0, 0,
                null, 0, null, null, null, "pur-9", "monthly allowance", "idem-1", Map.of("plan", "pro"), T0);
        Hold hold = hold("hold-1", "acc-1", 20, T0.plusSeconds(300));
        IdempotencyRecord idem = new IdempotencyRecord("acc-1", "idem-1", "grant|voice|30", "{\"ok\":true}", T0);
        Account next = account("acc-1").withSequence(3);
        store.inAccount("acc-1", tx -> {
            assertEquals(account("acc-1"), jdbc(tx).account());
            assertTrue(jdbc(tx).balances().isEmpty());
            assertTrue(jdbc(tx).liveLots("credits").isEmpty());
            tx.write(changes(next,
                    List.of(new BalanceRecord("acc-1", "credits", 100, 20), new BalanceRecord("acc-1", "voice", 30, 0)),
                    List.of(paid.withAmounts(100, 20), voice), List.of(), List.of(grant, grantVoice),
                    List.of(new Allocation("tx-lot-1", 0, "lot-1", 100), new Allocation("hold-1", 1, "lot-1", 5),
                            new Allocation("hold-1", 0, "lot-1", 15), new Allocation("tx-lot-2", 0, "lot-2", 30)),
                    List.of(hold), List.of(), idem));
            return null;
        });

        store.readAccount("acc-1", tx -> {
            assertEquals(next, jdbc(tx).account());
            assertEquals(Optional.of(new BalanceRecord("acc-1", "credits", 100, 20)), jdbc(tx).balance("credits"));
            assertEquals(List.of(new BalanceRecord("acc-1", "credits", 100, 20), new BalanceRecord("acc-1", "voice", 30, 0)),
                    jdbc(tx).balances());
            assertEquals(List.of(paid.withAmounts(100, 20)), jdbc(tx).liveLots("credits"));
            assertEquals(List.of(voice), jdbc(tx).liveLots("voice"));
            assertEquals(Set.of(paid.withAmounts(100, 20), voice), new HashSet<>(jdbc(tx).liveLots()));
            assertEquals(List.of(voice), jdbc(tx).liveLots("voice"), "served from the all-lots read too");
            assertEquals(Optional.of(voice), tx.findLot("lot-2"));
            assertEquals(Optional.of(grantVoice), tx.findEntry("tx-lot-2"));
            assertEquals(Optional.empty(), tx.findEntry("nope"));
            assertEquals(List.of(new Allocation("hold-1", 0, "lot-1", 15), new Allocation("hold-1", 1, "lot-1", 5)),
                    tx.findAllocations("hold-1"));
            assertEquals(Optional.of(hold), tx.findHold("hold-1"));
            assertEquals(List.of(hold), tx.findOpenHolds());
            assertEquals(List.of(), jdbc(tx).findOpenHoldsDue(T0.plusSeconds(299)));
            assertEquals(List.of(hold), jdbc(tx).findOpenHoldsDue(T0.plusSeconds(300)));
            assertEquals(Optional.of(idem), jdbc(tx).findIdempotency("idem-1"));
            assertEquals(Optional.empty(), jdbc(tx).findIdempotency("idem-2"));
            return null;
        });
        assertEquals(Optional.of("acc-1"), store.findAccountOfTransaction("tx-lot-2"));
        assertEquals(Optional.empty(), store.findAccountOfTransaction("tx-none"));
        assertEquals(Optional.of("acc-1"), store.findAccountOfHold("hold-1"));
        assertEquals(Optional.empty(), store.findAccountOfHold("hold-none"));
    }

    @Test
    void instantsAreStoredInMicrosecondsAndMoneyKeepsItsScale() {
        store.insertAccountIfAbsent(account("acc-t"));
        Instant nanos = Instant.parse("2031-05-06T07:08:09.123456789Z");
        Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.999999Z");
        Lot a = new Lot("lot-a", "acc-t", "credits", LotSource.PURCHASE, 1, 5, 5, 0, nanos,
                new Money(new BigDecimal("1E+3"), java.util.Currency.getInstance("EUR")), Map.of(), beforeEpoch, "tx-a", null, null);
        Lot b = new Lot("lot-b", "acc-t", "credits", LotSource.PROMOTION, 1, 5, 5, 0, null,
                Money.of("19.990", "JPY"), Map.of(), T0, "tx-b", null, null);
        Lot c = new Lot("lot-c", "acc-t", "credits", LotSource.PROMOTION, 1, 5, 5, 0, null,
                Money.of("0.123456789012345678", "USD"), Map.of(), T0, "tx-c", null, null);
        store.inAccount("acc-t", tx -> {
            tx.write(changes(jdbc(tx).account().withSequence(1), List.of(), List.of(a, b, c), List.of(), List.of(), List.of(),
                    List.of(), List.of(), null));
            return null;
        });
        Lot readA = store.readAccount("acc-t", tx -> tx.findLot("lot-a")).orElseThrow();
        assertEquals(Instant.parse("2031-05-06T07:08:09.123456Z"), readA.expiresAt(), "truncated to microseconds");
        assertEquals(beforeEpoch, readA.grantedAt());
        assertEquals(a.moneyPaid(), readA.moneyPaid());
        assertEquals(b.moneyPaid(), store.readAccount("acc-t", tx -> tx.findLot("lot-b")).orElseThrow().moneyPaid());
        assertEquals(c.moneyPaid(), store.readAccount("acc-t", tx -> tx.findLot("lot-c")).orElseThrow().moneyPaid());
    }

    @Test
    void updatedLotsAndHoldsChangeOnlyWhatMayChange() {
        store.insertAccountIfAbsent(account("acc-u"));
        Lot lot = lot("lot-u", "acc-u", "credits", 50, null);
        Hold hold = hold("hold-u", "acc-u", 10, T0.plusSeconds(60));
        store.inAccount("acc-u", tx -> {
            tx.write(changes(jdbc(tx).account().withSequence(1), List.of(), List.of(lot.withAmounts(50, 10)), List.of(),
                    List.of(), List.of(), List.of(hold), List.of(), null));
            return null;
        });
        Hold committed = hold.resolved(HoldStatus.COMMITTED, T0.plusSeconds(10), 10, "tx-commit");
        store.inAccount("acc-u", tx -> {
            tx.write(changes(jdbc(tx).account().withSequence(2), List.of(), List.of(), List.of(lot.withAmounts(0, 0)),
                    List.of(), List.of(), List.of(), List.of(committed), null));
            return null;
        });
        store.readAccount("acc-u", tx -> {
            assertEquals(List.of(), jdbc(tx).liveLots(), "a lot with nothing remaining or held is not live");
            assertEquals(Optional.of(lot.withAmounts(0, 0)), tx.findLot("lot-u"));
            assertEquals(Optional.of(committed), tx.findHold("hold-u"));
            assertEquals(List.of(), tx.findOpenHolds());
            return null;
        });
        // A terminal hold never changes: the store refuses, and the whole unit of work rolls back.
        Snapshot before = snapshot("acc-u");
        assertThrows(IllegalStateException.class, () -> store.inAccount("acc-u", tx -> {
            tx.write(changes(jdbc(tx).account().withSequence(3), List.of(), List.of(), List.of(lot.withAmounts(5, 0)),
                    List.of(), List.of(), List.of(), List.of(hold.resolved(HoldStatus.RELEASED, T0, 0, null)), null));
            return null;
        }));
        assertEquals(before, snapshot("acc-u"));
        // Nor can a lot that does not exist be updated: refused, and nothing else of the change set is written.
        assertThrows(IllegalStateException.class, () -> store.inAccount("acc-u", tx -> {
            tx.write(changes(jdbc(tx).account().withSequence(3), List.of(new BalanceRecord("acc-u", "credits", 1, 0)),
                    List.of(), List.of(lot("lot-ghost", "acc-u", "credits", 5, null)), List.of(), List.of(), List.of(),
                    List.of(), null));
            return null;
        }));
        assertEquals(before, snapshot("acc-u"));
    }

    @Test
    void unknownAccountsAreReportedWithoutRetrying() {
        UnknownAccountException e = assertThrows(UnknownAccountException.class,
                () -> store.inAccount("ghost", tx -> "never"));
        assertEquals("ghost", e.accountId());
        assertThrows(UnknownAccountException.class, () -> store.readAccount("ghost", tx -> "never"));
        assertEquals(Optional.empty(), store.findAccount("ghost"));
    }

    @Test
    void insertAccountIfAbsentKeepsTheFirstAccount() throws Exception {
        Account first = account("acc-i");
        assertEquals(first, store.insertAccountIfAbsent(first));
        Account other = new Account("acc-i", AccountStatus.PAUSED, 50, 5, 3, "pro", null, T0, T0.plusSeconds(9), 0,
                T0.plusSeconds(1), T0.plusSeconds(1));
        assertEquals(first, store.insertAccountIfAbsent(other));
        assertEquals(Optional.of(first), store.findAccount("acc-i"));

        // Racing opens of one new id: all see the same single account.
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                String id = "race-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Account>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    long limit = i;
                    results.add(threads.submit(() -> {
                        start.await();
                        return store.insertAccountIfAbsent(
                                new Account(id, AccountStatus.ACTIVE, limit, 0, 0, null, null, null, null, 0, T0, T0));
                    }));
                }
                start.countDown();
                Set<Account> seen = new HashSet<>();
                for (Future<Account> result : results) {
                    seen.add(result.get(30, TimeUnit.SECONDS));
                }
                assertEquals(1, seen.size(), "every caller sees the one stored account: " + seen);
                assertEquals(Optional.of(seen.iterator().next()), store.findAccount(id));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aFailingUnitOfWorkWritesNothingAndItsExceptionPropagatesUnchanged() {
        store.insertAccountIfAbsent(account("acc-f"));
        store.inAccount("acc-f", tx -> {
            grant(tx, "lot-f1", 10, null);
            return null;
        });
        Snapshot before = snapshot("acc-f");
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> store.inAccount("acc-f", tx -> {
            grant(tx, "lot-f2", 10, null);
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals(before, snapshot("acc-f"));
        assertThrows(IllegalStateException.class, () -> store.readAccount("acc-f", tx -> {
            grant(tx, "lot-f3", 1, null);
            return null;
        }), "readAccount must not write");
        assertEquals(before, snapshot("acc-f"));
    }

    @Test
    void aDuplicateIdempotencyKeyIsAConflict() {
        store.insertAccountIfAbsent(account("acc-k"));
        IdempotencyRecord record = new IdempotencyRecord("acc-k", "key-1", "fp-1", "r-1", T0);
        store.inAccount("acc-k", tx -> {
            tx.write(changes(jdbc(tx).account().withSequence(1), List.of(), List.of(), List.of(), List.of(), List.of(),
                    List.of(), List.of(), record));
            return null;
        });
        Snapshot before = snapshot("acc-k");
        IdempotencyConflictException e = assertThrows(IdempotencyConflictException.class,
                () -> store.inAccount("acc-k", tx -> {
                    Account account = jdbc(tx).account();
                    tx.write(changes(account.withSequence(2), List.of(new BalanceRecord("acc-k", "credits", 5, 0)),
                            List.of(lot("lot-k", "acc-k", "credits", 5, null)), List.of(), List.of(), List.of(),
                            List.of(), List.of(), new IdempotencyRecord("acc-k", "key-1", "fp-2", "r-2", T0)));
                    return null;
                }));
        assertEquals("key-1", e.idempotencyKey());
        assertEquals("acc-k", e.accountId());
        assertEquals(before, snapshot("acc-k"), "the conflicting unit of work left nothing");
        assertEquals(Optional.of(record), store.readAccount("acc-k", tx -> jdbc(tx).findIdempotency("key-1")));
    }

    // ---------------------------------------------------------------- plans, periods, per-plan prices, retries

    @Test
    void accountPlanPeriodAndPlanPricesRoundTrip() {
        Account opened = new Account("acc-plan", AccountStatus.ACTIVE, 10, 2, 4, "pro", "free", T0,
                T0.plusSeconds(30 * 86400), 0, T0, T0);
        assertEquals(opened, store.insertAccountIfAbsent(opened));
        assertEquals(Optional.of(opened), store.findAccount("acc-plan"));
        LedgerEntry original = new LedgerEntry("tx-d1", "acc-plan", 1, EntryType.DEDUCTION, "credits", -3, -3,
                "image_gen", 1, 3, "pro", 0, "user-1", null, null, null, null, null, Map.of(), T0);
        LedgerEntry retry = new LedgerEntry("tx-d2", "acc-plan", 2, EntryType.DEDUCTION, "credits", 0, -3,
                "image_gen", 1, 3, "pro", 2, "user-1", null, "tx-d1", null, null, null, Map.of(), T0);
        Hold hold = hold("hold-plan", "acc-plan", 4, T0.plusSeconds(60));
        Hold featurePriced = Hold.work("hold-plain", "acc-plan", "credits").feature("image_gen", 1, 5, null).amount(5)
                .createdAt(T0).expiresAt(T0.plusSeconds(60)).build();
        // Every new account field changes in a change set: plan moved, next plan cleared, new period, settings.
        Account next = new Account("acc-plan", AccountStatus.PAUSED, 20, 3, 0, "free", null, T0.plusSeconds(30 * 86400),
                T0.plusSeconds(60 * 86400), 3, T0, T0.plusSeconds(5));
        store.inAccount("acc-plan", tx -> {
            assertEquals(opened, jdbc(tx).account());
            tx.write(changes(next, List.of(), List.of(), List.of(), List.of(original, retry), List.of(),
                    List.of(hold, featurePriced), List.of(), null));
            return null;
        });
        store.readAccount("acc-plan", tx -> {
            assertEquals(next, jdbc(tx).account());
            assertEquals(Optional.of(retry), tx.findEntry("tx-d2"));
            assertEquals(Optional.of(original), tx.findEntry("tx-d1"));
            assertEquals(List.of(retry), tx.findEntriesReferencing("tx-d1"));
            assertEquals(Optional.of(hold), tx.findHold("hold-plan"));
            assertEquals(Optional.of(featurePriced), tx.findHold("hold-plain"));
            return null;
        });
        // The snapshot (one round trip where the dialect pipelines) carries the new columns too.
        FeaturePricing feature = new FeaturePricing("image_gen", "Image", null, 5, Map.of("pro", 3L, "team", 0L), 2,
                "credits", null, true, T0, T0);
        assertTrue(store.catalog().insert(CatalogTable.FEATURES, feature));
        store.inAccount("acc-plan", tx -> {
            var snapshot = tx.snapshot(T0.plusSeconds(60), "image_gen", null);
            assertEquals(next, snapshot.account());
            assertEquals(feature, snapshot.feature());
            assertEquals(Set.of(hold, featurePriced), new HashSet<>(snapshot.dueHolds()));
            return null;
        });
    }

    @Test
    void lotsExpiringAtAnInstantIncludeDeadOnes() {
        store.insertAccountIfAbsent(account("acc-x"));
        store.insertAccountIfAbsent(account("acc-y"));
        Instant end = T0.plusSeconds(86400).plusNanos(1_000);
        Lot live = lot("x-live", "acc-x", "credits", 10, end);
        Lot spent = lot("x-spent", "acc-x", "credits", 10, end).withAmounts(0, 0);
        Lot otherType = lot("x-voice", "acc-x", "voice", 3, end);
        Lot later = lot("x-later", "acc-x", "credits", 10, end.plusNanos(1_000));
        Lot never = lot("x-never", "acc-x", "credits", 10, null);
        store.inAccount("acc-x", tx -> {
            tx.write(changes(jdbc(tx).account().withSequence(1), List.of(), List.of(live, spent, otherType, later, never),
                    List.of(), List.of(), List.of(), List.of(), List.of(), null));
            return null;
        });
        store.inAccount("acc-y", tx -> {
            tx.write(changes(jdbc(tx).account().withSequence(1), List.of(), List.of(lot("y-live", "acc-y", "credits", 1, end)),
                    List.of(), List.of(), List.of(), List.of(), List.of(), null));
            return null;
        });
        store.readAccount("acc-x", tx -> {
            assertEquals(Set.of(live, spent, otherType), new HashSet<>(tx.findLotsExpiringAt(end)));
            assertEquals(List.of(later), tx.findLotsExpiringAt(end.plusNanos(1_000)));
            assertEquals(List.of(), tx.findLotsExpiringAt(end.minusNanos(1_000)));
            return null;
        });
    }

    // ---------------------------------------------------------------- the catalog

    @Test
    void packagesRoundTripAndSaveReplaces() {
        CreditPackage starter = CreditPackage.of("starter", "Starter", 100, Money.of("199.00", "USD"))
                .withValidity(Period.ofMonths(12));
        CreditPackage pro = new CreditPackage("pro", "Pro \u2713", 1000, Money.of("1E+3", "JPY"), "voice",
                Period.of(1, 2, 3), false);
        CreditPackage free = CreditPackage.of("a-free", "Free", 1, Money.of("0", "EUR"));
        store.catalog().save(CatalogTable.PACKAGES, starter);
        store.catalog().save(CatalogTable.PACKAGES, pro);
        store.catalog().save(CatalogTable.PACKAGES, free);
        assertEquals(Optional.of(starter), store.catalog().find(CatalogTable.PACKAGES, "starter"));
        assertEquals("199.00", store.catalog().find(CatalogTable.PACKAGES, "starter").orElseThrow().price().amount().toString(), "scale kept");
        assertEquals(Optional.of(pro), store.catalog().find(CatalogTable.PACKAGES, "pro"));
        assertEquals(Optional.empty(), store.catalog().find(CatalogTable.PACKAGES, "nope"));
        assertEquals(List.of(free, pro, starter), store.catalog().list(CatalogTable.PACKAGES));

        CreditPackage changed = starter.withPrice(Money.of("149.5", "USD")).withValidity(null).withActive(false);
        store.catalog().save(CatalogTable.PACKAGES, changed);
        assertEquals(Optional.of(changed), store.catalog().find(CatalogTable.PACKAGES, "starter"));
        assertEquals(List.of(free, pro, changed), store.catalog().list(CatalogTable.PACKAGES));
    }

    @Test
    void plansRoundTripAndSaveReplaces() {
        Plan pro = Plan.of("professional", "Professional", 600).withMonthlyPrice(Money.of("49.00", "USD"))
                .withAllowance("voice", 0).withRolloverCap(300);
        Plan free = new Plan("free", "Free", null, Map.of(), 0, false, true);
        store.catalog().save(CatalogTable.PLANS, pro);
        store.catalog().save(CatalogTable.PLANS, free);
        assertEquals(Optional.of(pro), store.catalog().find(CatalogTable.PLANS, "professional"));
        assertEquals(Optional.of(free), store.catalog().find(CatalogTable.PLANS, "free"));
        assertEquals(Optional.empty(), store.catalog().find(CatalogTable.PLANS, "nope"));
        assertEquals(List.of(free, pro), store.catalog().list(CatalogTable.PLANS));

        Plan changed = pro.withAllowance("credits", 700).withMonthlyPrice(null).withCanBuyCredits(false).withActive(false);
        store.catalog().save(CatalogTable.PLANS, changed);
        assertEquals(Optional.of(changed), store.catalog().find(CatalogTable.PLANS, "professional"));
        assertEquals(List.of(free, changed), store.catalog().list(CatalogTable.PLANS));
    }

    @Test
    void promotionsRoundTripAndSavingNeverTouchesTheUseCount() {
        Promotion spring = Promotion.of("SPRING20").withDescription("Spring").withPercentOff(new BigDecimal("20"))
                .withBonusCredits(50).withWindow(T0, T0.plusSeconds(86400).plusNanos(5_000))
                .withPackageIds(Set.of("professional", "starter")).withMaxUses(1000).withMaxUsesPerAccount(1);
        Promotion flat = Promotion.of("FLAT").withAmountOff(Money.of("5.00", "EUR")).withPercentOff(new BigDecimal("12.50"))
                .withWindow(null, T0).withActive(false);
        Promotion bare = Promotion.of("BARE").withUses(77); // the given count is ignored: a new promotion starts at 0
        store.catalog().save(CatalogTable.PROMOTIONS, spring);
        store.catalog().save(CatalogTable.PROMOTIONS, flat);
        store.catalog().save(CatalogTable.PROMOTIONS, bare);
        assertEquals(Optional.of(spring), store.catalog().find(CatalogTable.PROMOTIONS, "SPRING20"));
        assertEquals("20", store.catalog().find(CatalogTable.PROMOTIONS, "SPRING20").orElseThrow().percentOff().toString());
        assertEquals(Optional.of(flat), store.catalog().find(CatalogTable.PROMOTIONS, "FLAT"));
        assertEquals(Optional.of(bare.withUses(0)), store.catalog().find(CatalogTable.PROMOTIONS, "BARE"));
        assertEquals(Optional.empty(), store.catalog().find(CatalogTable.PROMOTIONS, "NOPE"));
        assertEquals(List.of(bare.withUses(0), flat, spring), store.catalog().list(CatalogTable.PROMOTIONS));

        store.insertAccountIfAbsent(account("acc-promo"));
        usePromotions("acc-promo", 1, new PromotionUse("SPRING20", 1), new PromotionUse("SPRING20", 1),
                new PromotionUse("SPRING20", 1));
        assertEquals(3, store.catalog().find(CatalogTable.PROMOTIONS, "SPRING20").orElseThrow().uses());
        Promotion changed = spring.withPercentOff(null).withPackageIds(Set.of()).withMaxUses(2).withUses(0);
        store.catalog().save(CatalogTable.PROMOTIONS, changed);
        assertEquals(Optional.of(changed.withUses(3)), store.catalog().find(CatalogTable.PROMOTIONS, "SPRING20"), "saving keeps the stored count");
        assertEquals(List.of(bare.withUses(0), flat, changed.withUses(3)), store.catalog().list(CatalogTable.PROMOTIONS));

        // A negative use gives one back, never below 0; a use of a promotion that does not exist counts nothing.
        usePromotions("acc-promo", 2, new PromotionUse("SPRING20", -1), new PromotionUse("BARE", -1),
                new PromotionUse("GHOST", 1), new PromotionUse("GHOST", 1));
        assertEquals(2, store.catalog().find(CatalogTable.PROMOTIONS, "SPRING20").orElseThrow().uses());
        assertEquals(0, store.catalog().find(CatalogTable.PROMOTIONS, "BARE").orElseThrow().uses());
        assertEquals(Optional.empty(), store.catalog().find(CatalogTable.PROMOTIONS, "GHOST"));
        assertEquals(2, store.findAccount("acc-promo").orElseThrow().sequence(), "both writes kept");

        // At its limit (2): a use fails the whole write, and the exception comes out unchanged, not retried.
        Snapshot before = snapshot("acc-promo");
        AtomicInteger runs = new AtomicInteger();
        PromotionExhaustedException e = assertThrows(PromotionExhaustedException.class, () -> store.inAccount(
                "acc-promo", tx -> {
                    runs.incrementAndGet();
                    tx.write(new ChangeSet(jdbc(tx).account().withSequence(3), List.of(), List.of(), List.of(), List.of(),
                            List.of(), List.of(), List.of(), null, List.of(purchase("p-x", "acc-promo", T0)),
                            List.of(new PromotionUse("BARE", 1), new PromotionUse("SPRING20", 1))));
                    return null;
                }));
        assertTrue(e.getMessage().contains("SPRING20"), e.getMessage());
        assertEquals(1, runs.get());
        assertEquals(before, snapshot("acc-promo"));
        assertEquals(0, store.catalog().find(CatalogTable.PROMOTIONS, "BARE").orElseThrow().uses(), "the other use of the write is undone");
        assertEquals(2, store.catalog().find(CatalogTable.PROMOTIONS, "SPRING20").orElseThrow().uses());
        assertEquals(Optional.empty(), store.findAccountOfPurchase("p-x"));

        // Even a unit of work that catches the exception keeps nothing of its write.
        assertThrows(PromotionExhaustedException.class, () -> store.inAccount("acc-promo", tx -> {
            try {
                tx.write(new ChangeSet(jdbc(tx).account().withSequence(3), List.of(), List.of(), List.of(), List.of(),
                        List.of(), List.of(), List.of(), null, List.of(), List.of(new PromotionUse("BARE", 1),
                        new PromotionUse("SPRING20", 1))));
            } catch (PromotionExhaustedException caught) {
                return "caught";
            }
            return "written";
        }));
        assertEquals(before, snapshot("acc-promo"));
        assertEquals(0, store.catalog().find(CatalogTable.PROMOTIONS, "BARE").orElseThrow().uses());
    }

    /** Writes a change set of nothing but promotion uses (and the sequence). */
    void usePromotions(String accountId, long sequence, PromotionUse... uses) {
        store.inAccount(accountId, tx -> {
            tx.write(new ChangeSet(jdbc(tx).account().withSequence(sequence), List.of(), List.of(), List.of(), List.of(),
                    List.of(), List.of(), List.of(), null, List.of(), List.of(uses)));
            return null;
        });
    }

    /**
     * Eight accounts on eight threads each record a purchase using one promotion limited to 5 uses: exactly five
     * writes succeed; the others fail with PromotionExhaustedException, once each, and leave nothing.
     */
    @Test
    void aPromotionLimitHoldsAcrossConcurrentAccounts() throws Exception {
        store.catalog().save(CatalogTable.PROMOTIONS, Promotion.of("LIMITED").withMaxUses(5));
        int threads = 8;
        for (int i = 0; i < threads; i++) {
            store.insertAccountIfAbsent(account("buyer-" + i));
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        AtomicInteger runs = new AtomicInteger();
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < threads; i++) {
                String accountId = "buyer-" + i;
                results.add(executor.submit(() -> {
                    start.await();
                    try {
                        store.inAccount(accountId, tx -> {
                            runs.incrementAndGet();
                            Account account = jdbc(tx).account();
                            tx.write(new ChangeSet(account.withSequence(1), List.of(), List.of(), List.of(), List.of(),
                                    List.of(), List.of(), List.of(), List.of(new IdempotencyRecord(accountId, "k", "f", "r", T0)),
                                    List.of(purchase("purchase-" + accountId, accountId, T0)),
                                    List.of(new PromotionUse("LIMITED", 1))));
                            return null;
                        });
                        return true;
                    } catch (PromotionExhaustedException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int succeeded = 0;
            for (Future<Boolean> result : results) {
                if (result.get(60, TimeUnit.SECONDS)) {
                    succeeded++;
                }
            }
            assertEquals(5, succeeded);
        } finally {
            executor.shutdownNow();
        }
        assertEquals(threads, runs.get(), "an exhausted promotion is not retried");
        assertEquals(5, store.catalog().find(CatalogTable.PROMOTIONS, "LIMITED").orElseThrow().uses());
        int written = 0;
        for (int i = 0; i < threads; i++) {
            String accountId = "buyer-" + i;
            Optional<String> owner = store.findAccountOfPurchase("purchase-" + accountId);
            long sequence = store.findAccount(accountId).orElseThrow().sequence();
            boolean hasIdempotency = store.readAccount(accountId, tx -> jdbc(tx).findIdempotency("k")).isPresent();
            if (owner.isPresent()) {
                written++;
                assertEquals(1, sequence);
                assertTrue(hasIdempotency);
            } else {
                assertEquals(0, sequence, "a failed write leaves nothing: " + accountId);
                assertFalse(hasIdempotency);
                assertEquals(List.of(), store.readAccount(accountId, AccountTransaction::listPurchases));
            }
        }
        assertEquals(5, written);
    }

    // ---------------------------------------------------------------- purchases

    static Purchase purchase(String purchaseId, String accountId, Instant createdAt) {
        return Purchase.builder(purchaseId, accountId, "credits").packageId("starter").credits(100, 10)
                .prices(Money.of("199.00", "USD"), Money.of("159.20", "USD")).promotionCode("SPRING20")
                .paymentReference("pi_123").validity(Period.ofMonths(12)).metadata(Map.of("order", "o-9"))
                .idempotencyKey("idem-" + purchaseId).createdAt(createdAt).build();
    }

    void writePurchases(String accountId, Purchase... purchases) {
        store.inAccount(accountId, tx -> {
            tx.write(new ChangeSet(jdbc(tx).account().withSequence(jdbc(tx).account().sequence() + 1), List.of(), List.of(),
                    List.of(), List.of(), List.of(), List.of(), List.of(), null, List.of(purchases), List.of()));
            return null;
        });
    }

    @Test
    void purchasesRoundTripAndChangeStatus() {
        store.insertAccountIfAbsent(account("acc-buy"));
        store.insertAccountIfAbsent(account("acc-else"));
        Purchase pending = purchase("pur-1", "acc-buy", T0.plusSeconds(10));
        Purchase custom = Purchase.builder("pur-2", "acc-buy", "voice").credits(7, 0)
                .prices(Money.of("1E+3", "JPY"), Money.of("0.50", "EUR")).createdAt(T0.plusSeconds(10)).build();
        Purchase earlier = purchase("pur-0", "acc-buy", T0);
        writePurchases("acc-buy", pending, custom);
        writePurchases("acc-buy", earlier); // inserted last, created first
        writePurchases("acc-else", purchase("pur-e", "acc-else", T0));
        store.readAccount("acc-buy", tx -> {
            assertEquals(Optional.of(pending), tx.findPurchase("pur-1"));
            assertEquals(Optional.of(custom), tx.findPurchase("pur-2"));
            assertEquals(Optional.empty(), tx.findPurchase("pur-e"), "another account's purchase");
            assertEquals(List.of(earlier, pending, custom), tx.listPurchases(), "by creation, then insertion");
            return null;
        });
        assertEquals(Optional.of("acc-buy"), store.findAccountOfPurchase("pur-1"));
        assertEquals(Optional.of("acc-else"), store.findAccountOfPurchase("pur-e"));
        assertEquals(Optional.empty(), store.findAccountOfPurchase("pur-none"));

        Purchase completed = pending.completed(T0.plusSeconds(20), "lot-9", "tx-9")
                .withReversal(45, 100, DisputeStatus.LOST, 0, 100);
        Purchase failed = custom.failed(T0.plusSeconds(21), "card declined");
        writePurchases("acc-buy", failed, completed);
        store.readAccount("acc-buy", tx -> {
            assertEquals(Optional.of(completed), tx.findPurchase("pur-1"));
            assertEquals(Optional.of(failed), tx.findPurchase("pur-2"));
            assertEquals(List.of(earlier, completed, failed), tx.listPurchases(), "replacing keeps the order");
            return null;
        });
    }

    @Test
    void aPurchaseIdOfAnotherAccountIsAConflictAndNothingIsWritten() {
        store.insertAccountIfAbsent(account("acc-a"));
        store.insertAccountIfAbsent(account("acc-b"));
        store.catalog().save(CatalogTable.PROMOTIONS, Promotion.of("PROMO"));
        Purchase owned = purchase("pur-shared", "acc-a", T0);
        writePurchases("acc-a", owned);
        Snapshot before = snapshot("acc-b");
        IdempotencyConflictException e = assertThrows(IdempotencyConflictException.class,
                () -> store.inAccount("acc-b", tx -> {
                    Account account = jdbc(tx).account();
                    tx.write(new ChangeSet(account.withSequence(1), List.of(new BalanceRecord("acc-b", "credits", 5, 0)),
                            List.of(lot("lot-b", "acc-b", "credits", 5, null)), List.of(), List.of(), List.of(),
                            List.of(), List.of(), List.of(new IdempotencyRecord("acc-b", "key-b", "f", "r", T0)),
                            List.of(purchase("pur-b", "acc-b", T0), purchase("pur-shared", "acc-b", T0)),
                            List.of(new PromotionUse("PROMO", 1))));
                    return null;
                }));
        assertEquals("acc-b", e.accountId());
        assertEquals(before, snapshot("acc-b"), "nothing of the conflicting write is kept");
        assertEquals(Optional.empty(), store.findAccountOfPurchase("pur-b"));
        assertEquals(Optional.of("acc-a"), store.findAccountOfPurchase("pur-shared"));
        assertEquals(0, store.catalog().find(CatalogTable.PROMOTIONS, "PROMO").orElseThrow().uses());
        store.readAccount("acc-b", tx -> {
            assertEquals(List.of(), tx.listPurchases());
            assertEquals(Optional.empty(), jdbc(tx).findIdempotency("key-b"));
            return null;
        });
        assertEquals(Optional.of(owned), store.readAccount("acc-a", tx -> tx.findPurchase("pur-shared")),
                "the owner's purchase is untouched");
    }

    // ---------------------------------------------------------------- history and due items

    @Test
    void historyPagesByKeysetNewestFirstAndFilters() {
        store.insertAccountIfAbsent(account("acc-h"));
        store.insertAccountIfAbsent(account("acc-other"));
        List<LedgerEntry> written = new ArrayList<>();
        store.inAccount("acc-h", tx -> {
            long balance = 0;
            for (int i = 1; i <= 25; i++) {
                EntryType type = i % 5 == 0 ? EntryType.GRANT : i % 3 == 0 ? EntryType.REFUND : EntryType.DEDUCTION;
                long amount = type == EntryType.DEDUCTION ? -1 : 3;
                balance += amount;
                written.add(new LedgerEntry("h-" + i, "acc-h", i * 2L, type, i % 4 == 0 ? "voice" : "credits", amount,
                        balance, i % 2 == 0 ? "feat_even" : "feat_odd", 1, 1, null, 0, i % 7 == 0 ? "u7" : null, null,
                        type == EntryType.REFUND ? "h-1" : null, null, null, null, Map.of(), T0.plusSeconds(i)));
            }
            tx.write(changes(jdbc(tx).account().withSequence(50), List.of(), List.of(), List.of(), written, List.of(),
                    List.of(), List.of(), null));
            return null;
        });
        store.inAccount("acc-other", tx -> {
            grant(tx, "lot-o", 1, null);
            return null;
        });

        List<LedgerEntry> newestFirst = new ArrayList<>(written);
        java.util.Collections.reverse(newestFirst);
        List<LedgerEntry> paged = new ArrayList<>();
        long before = Long.MAX_VALUE;
        while (true) {
            List<LedgerEntry> page = store.findEntries("acc-h", new EntryQuery(HistoryFilter.all(), before, 10));
            paged.addAll(page);
            if (page.size() < 10) {
                break;
            }
            before = page.get(page.size() - 1).sequence();
        }
        assertEquals(newestFirst, paged);

        assertEquals(newestFirst.stream().filter(e -> e.type() == EntryType.GRANT || e.type() == EntryType.REFUND).toList(),
                store.findEntries("acc-h", new EntryQuery(HistoryFilter.all().withTypes(EntryType.GRANT, EntryType.REFUND),
                        Long.MAX_VALUE, 100)));
        assertEquals(newestFirst.stream().filter(e -> e.creditType().equals("voice")).toList(),
                store.findEntries("acc-h", new EntryQuery(HistoryFilter.all().withCreditType("voice"), Long.MAX_VALUE, 100)));
        assertEquals(newestFirst.stream().filter(e -> "u7".equals(e.userId())).toList(),
                store.findEntries("acc-h", new EntryQuery(HistoryFilter.all().withUserId("u7"), Long.MAX_VALUE, 100)));
        assertEquals(newestFirst.stream().filter(e -> e.featureKey().equals("feat_odd") && e.sequence() < 30).toList(),
                store.findEntries("acc-h", new EntryQuery(HistoryFilter.all().withFeatureKey("feat_odd"), 30, 100)));
        assertEquals(newestFirst.stream().filter(e -> !e.createdAt().isBefore(T0.plusSeconds(5))
                        && e.createdAt().isBefore(T0.plusSeconds(9))).toList(),
                store.findEntries("acc-h", new EntryQuery(HistoryFilter.all().withFrom(T0.plusSeconds(5))
                        .withTo(T0.plusSeconds(9)), Long.MAX_VALUE, 100)));
        assertEquals(List.of(), store.findEntries("acc-h", new EntryQuery(HistoryFilter.all(), 2, 100)));
        store.readAccount("acc-h", tx -> {
            assertEquals(written.stream().filter(e -> "h-1".equals(e.referenceId())).toList(),
                    tx.findEntriesReferencing("h-1"));
            return null;
        });
    }

    @Test
    void accountsWithDueItemsAreFoundByExpiryAndDeadline() {
        for (String id : List.of("due-lot", "due-hold", "held-only", "not-yet", "spent")) {
            store.insertAccountIfAbsent(account(id));
        }
        Instant now = T0.plusSeconds(1000);
        store.inAccount("due-lot", tx -> {
            grant(tx, "l1", 10, now);
            return null;
        });
        store.inAccount("not-yet", tx -> {
            grant(tx, "l2", 10, now.plusSeconds(1));
            return null;
        });
        store.inAccount("held-only", tx -> { // expired, but everything left on it is held
            tx.write(changes(jdbc(tx).account().withSequence(1), List.of(), List.of(lot("l3", "held-only", "credits", 10,
                    now.minusSeconds(5)).withAmounts(4, 4)), List.of(), List.of(), List.of(), List.of(), List.of(), null));
            return null;
        });
        store.inAccount("spent", tx -> {
            tx.write(changes(jdbc(tx).account().withSequence(1), List.of(), List.of(lot("l4", "spent", "credits", 10,
                    now.minusSeconds(5)).withAmounts(0, 0)), List.of(), List.of(), List.of(), List.of(), List.of(), null));
            return null;
        });
        store.inAccount("due-hold", tx -> {
            tx.write(changes(jdbc(tx).account().withSequence(1), List.of(), List.of(), List.of(), List.of(), List.of(),
                    List.of(hold("h1", "due-hold", 4, now), hold("h2", "due-hold", 4, now.minusSeconds(1))), List.of(),
                    null));
            return null;
        });
        assertEquals(List.of("due-hold", "due-lot"), store.findAccountsWithDueItems(now, 10));
        assertEquals(List.of("due-hold"), store.findAccountsWithDueItems(now, 1));
        assertEquals(List.of("due-hold"), store.findAccountsWithDueItems(now.minusMillis(1), 10));
        assertEquals(List.of(), store.findAccountsWithDueItems(T0, 10));
    }

    // ---------------------------------------------------------------- price list

    @Test
    void featuresRoundTripInsertUpdateAndDelete() {
        FeaturePricing image = new FeaturePricing("image_gen", "Image", "image", 5, Map.of("pro", 3L, "free", 9L), 2,
                "credits", "text to image", true, T0, T0);
        FeaturePricing video = new FeaturePricing("video_gen", "Video", "video", 50, Map.of(), 0, "credits", null, true,
                T0, T0);
        FeaturePricing avatar = new FeaturePricing("avatar", "Avatar", "image", 7, null, 0, "voice", null, false, T0,
                T0);
        assertTrue(store.catalog().insert(CatalogTable.FEATURES, image));
        assertTrue(store.catalog().insert(CatalogTable.FEATURES, video));
        assertTrue(store.catalog().insert(CatalogTable.FEATURES, avatar));
        assertFalse(store.catalog().insert(CatalogTable.FEATURES, image), "duplicate key");
        assertEquals(Optional.of(image), store.catalog().find(CatalogTable.FEATURES, "image_gen"));
        assertEquals(List.of(avatar, image, video), store.catalog().list(CatalogTable.FEATURES));

        FeaturePricing cheaper = new FeaturePricing("image_gen", "Image", "image", 4, Map.of("pro", 2L), 1, "credits",
                "now cheaper", true, T0, T0.plusSeconds(60));
        assertTrue(store.catalog().update(CatalogTable.FEATURES, cheaper));
        assertFalse(store.catalog().update(CatalogTable.FEATURES, new FeaturePricing("nope", "N", null, 1, null, 0, "credits", null, true, T0,
                T0)));
        assertEquals(Optional.of(cheaper), store.catalog().find(CatalogTable.FEATURES, "image_gen"));
        store.insertAccountIfAbsent(account("acc-p"));
        assertEquals(Optional.of(cheaper), store.inAccount("acc-p", tx -> tx.find(CatalogTable.FEATURES, "image_gen")));

        assertTrue(store.catalog().delete(CatalogTable.FEATURES, "video_gen"));
        assertFalse(store.catalog().delete(CatalogTable.FEATURES, "video_gen"));
        assertEquals(Optional.empty(), store.catalog().find(CatalogTable.FEATURES, "video_gen"));

    }

    /** The largest values the ledger accepts (Checks: ids 128, credit types 64, texts 2048, 64 metadata entries). */
    @Test
    void theLargestValuesTheLedgerAcceptsFit() {
        String id = "\u00e9".repeat(128);
        String text = "\u2713".repeat(2048); // 3 bytes each in UTF-8
        Map<String, String> metadata = new java.util.HashMap<>();
        for (int i = 0; i < 64; i++) {
            metadata.put(String.format("%03d", i) + "k".repeat(125), "\u00fc".repeat(2048));
        }
        FeaturePricing feature = new FeaturePricing("f".repeat(128), text, text, Long.MAX_VALUE,
                Map.of(id, Long.MAX_VALUE, "p".repeat(128), Long.MIN_VALUE), Integer.MAX_VALUE, "c".repeat(64), text,
                true, T0, T0);
        assertTrue(store.catalog().insert(CatalogTable.FEATURES, feature));
        assertEquals(Optional.of(feature), store.catalog().find(CatalogTable.FEATURES, "f".repeat(128)));
        assertEquals(List.of(feature), store.catalog().list(CatalogTable.FEATURES).stream()
                .filter(f -> text.equals(f.category())).toList());
        assertTrue(store.catalog().update(CatalogTable.FEATURES, feature));

        store.insertAccountIfAbsent(account(id));
        Lot lot = new Lot(id, id, "c".repeat(64), LotSource.PURCHASE, Integer.MAX_VALUE, Long.MAX_VALUE,
                Long.MAX_VALUE, 0, Instant.parse("9999-12-31T23:59:59.999999Z"),
                Money.of("99999999999999999999.999999999999999999", "USD"), metadata, T0, id, id,
                new AllowancePeriod(id, Instant.parse("9999-12-31T23:59:59.999999Z"), true));
        LedgerEntry entry = new LedgerEntry(id, id, Long.MAX_VALUE - 1, EntryType.GRANT, "c".repeat(64), Long.MAX_VALUE,
                Long.MIN_VALUE, "f".repeat(128), Long.MAX_VALUE, Long.MAX_VALUE, id, Integer.MAX_VALUE, id, id, id, id,
                text, id, metadata, T0);
        // A freeze, so that its kind and a purchase id of the longest length round-trip too.
        Hold hold = Hold.freeze(id, id, "c".repeat(64), id).feature("f".repeat(128), 1, 1, id).amount(1).userId(id)
                .idempotencyKey(id).metadata(metadata).createdAt(T0).expiresAt(T0).build();
        IdempotencyRecord record = new IdempotencyRecord(id, id, text + text, text + text + text, T0);
        store.inAccount(id, tx -> {
            tx.write(changes(jdbc(tx).account().withSequence(Long.MAX_VALUE - 1), List.of(), List.of(lot), List.of(),
                    List.of(entry), List.of(new Allocation(id, Integer.MAX_VALUE, id, Long.MIN_VALUE)), List.of(hold),
                    List.of(), record));
            return null;
        });
        store.readAccount(id, tx -> {
            assertEquals(Optional.of(lot), tx.findLot(id));
            assertEquals(Optional.of(entry), tx.findEntry(id));
            assertEquals(Optional.of(hold), tx.findHold(id));
            assertEquals(Optional.of(record), jdbc(tx).findIdempotency(id));
            assertEquals(List.of(new Allocation(id, Integer.MAX_VALUE, id, Long.MIN_VALUE)), tx.findAllocations(id));
            return null;
        });
    }

    // ---------------------------------------------------------------- schema

    /** @return the numbers of the versions the jar ships: 1, 2, ... (a number reserved for a later merge skipped) */
    private List<Integer> shippedVersions() {
        return Schema.versions(database().dialect().schemaResources()).stream().map(Schema.Version::number).toList();
    }

    @Test
    void installSchemaIsIdempotentAndPrefixesSeparateStores() {
        store.installSchema();
        store.installSchema();
        assertEquals(shippedVersions(), recordedVersions(database().tablePrefix()));
        store.insertAccountIfAbsent(account("acc-s"));
        JdbiCreditStore other = database().builder(pool).tablePrefix(database().tablePrefix() + "x_").build();
        other.installSchema();
        try {
            assertEquals(Optional.empty(), other.findAccount("acc-s"));
            other.insertAccountIfAbsent(account("acc-s2"));
            assertEquals(Optional.empty(), store.findAccount("acc-s2"));
            assertEquals(database().dialect(), other.dialect(), "detected from the database");
        } finally {
            dropTables(database().tablePrefix() + "x_");
        }
    }

    @Test
    void concurrentInstallsOfAFreshSchemaAllSucceed() throws Exception {
        String prefix = database().tablePrefix() + "c_";
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> installs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                JdbiCreditStore racer = database().builder(database().newPool(1)).tablePrefix(prefix).build();
                installs.add(threads.submit(() -> {
                    start.await();
                    racer.installSchema();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> install : installs) {
                install.get(60, TimeUnit.SECONDS);
            }
            JdbiCreditStore installed = database().builder(pool).tablePrefix(prefix).build();
            installed.insertAccountIfAbsent(account("acc-c"));
            assertEquals(Optional.of(account("acc-c")), installed.findAccount("acc-c"));
            assertEquals(shippedVersions(), recordedVersions(prefix), "each version recorded once");
        } finally {
            threads.shutdownNow();
            dropTables(prefix);
        }
    }

    /** @return the versions the version table of the prefix records */
    List<Integer> recordedVersions(String prefix) {
        try (var handle = org.jdbi.v3.core.Jdbi.open(pool)) {
            return handle.createQuery("SELECT version_no FROM " + prefix + TestDatabase.VERSION_TABLE
                    + " ORDER BY version_no").mapTo(Integer.class).list();
        }
    }

    void dropTables(String prefix) {
        TestDatabase.dropTables(pool, prefix);
    }

    // ---------------------------------------------------------------- concurrency

    /**
     * Two stores, each on its own pool, increment one account from many threads: every unit of work reads the
     * balance and sequence and writes +1 with a new entry. Lost updates would show as a short balance or as a
     * duplicate (account, sequence) failure.
     */
    @Test
    void theAccountLockSerializesUnitsOfWorkAcrossPools() throws Exception {
        JdbiCreditStore first = database().builder(database().newPool(5)).build();
        JdbiCreditStore second = database().builder(database().newPool(5)).build();
        first.insertAccountIfAbsent(account("hot"));
        int threads = 8;
        int perThread = concurrencyOpsPerThread();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        AtomicInteger done = new AtomicInteger();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                JdbiCreditStore s = t % 2 == 0 ? first : second;
                int thread = t;
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        String id = "inc-" + thread + "-" + i;
                        s.inAccount("hot", tx -> {
                            grant(tx, id, 1, null);
                            return null;
                        });
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            executor.shutdownNow();
        }
        int total = threads * perThread;
        assertEquals(total, done.get());
        Snapshot end = snapshot("hot");
        assertEquals(total, end.account().sequence());
        assertEquals(List.of(new BalanceRecord("hot", "credits", total, 0)), end.balances());
        assertEquals(total, end.lots().size());
        assertEquals(total, end.entries().size());
        for (int i = 0; i < total; i++) {
            LedgerEntry entry = end.entries().get(i);
            assertEquals(total - i, entry.sequence());
            assertEquals(total - i, entry.balanceAfter());
        }
    }

    int concurrencyOpsPerThread() {
        return 100;
    }

    // ---------------------------------------------------------------- failures

    /**
     * Breaks the connection at every statement of a grant in turn (lock, reads, each batch, commit): each time
     * the store throws StoreUnavailableException with the injected cause, and the account is exactly as before.
     */
    @Test
    void aConnectionLostAtAnyStatementLeavesTheAccountAsItWas() {
        store.insertAccountIfAbsent(account("acc-c"));
        store.inAccount("acc-c", tx -> {
            grant(tx, "lot-c0", 10, null);
            return null;
        });
        Snapshot before = snapshot("acc-c");
        int position = 1;
        while (true) {
            failing.failOnStatement(position, "08006", true);
            int failuresBefore = failing.failures();
            try {
                store.inAccount("acc-c", tx -> {
                    grant(tx, "lot-c1", 5, null);
                    return null;
                });
            } catch (StoreUnavailableException e) {
                assertEquals(failuresBefore + 1, failing.failures());
                assertTrue(hasCause(e, "08006"), "the cause is attached: " + e);
                failing.disarm();
                assertEquals(before, snapshot("acc-c"), "after a failure at statement " + position);
                position++;
                continue;
            }
            assertEquals(failuresBefore, failing.failures(), "the unit of work succeeded only past its last statement");
            failing.disarm();
            break;
        }
        // PostgreSQL sends the writes with the COMMIT: lock, read, writes + commit.
        assertTrue(position >= (database().dialect() == Dialect.POSTGRESQL ? 4 : 5),
                "a grant is lock, read, writes, commit: " + position);
        assertEquals(0, ((com.zaxxer.hikari.HikariDataSource) pool).getHikariPoolMXBean().getActiveConnections(),
                "no connection leaked");
        assertEquals(before.account().sequence() + 1, snapshot("acc-c").account().sequence());
    }

    @Test
    void aTransientConflictIsRetriedAndTheWorkRunsAgain() {
        store.insertAccountIfAbsent(account("acc-r"));
        AtomicInteger runs = new AtomicInteger();
        store.inAccount("acc-r", tx -> {
            if (runs.incrementAndGet() == 1) {
                failing.failOnStatement(1, "40001", false); // the work's first read fails once
            }
            grant(tx, "lot-r", 7, null);
            return null;
        });
        assertEquals(1, failing.failures());
        assertEquals(2, runs.get());
        assertEquals(1, snapshot("acc-r").account().sequence());
        assertEquals(7, snapshot("acc-r").balances().get(0).balance());
    }

    @Test
    void aPersistentConflictGivesUpWithEveryFailureAttached() {
        store.insertAccountIfAbsent(account("acc-p"));
        AtomicInteger runs = new AtomicInteger();
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> store.inAccount("acc-p", tx -> {
            runs.incrementAndGet();
            failing.failOnStatement(1, "40P01", false);
            grant(tx, "lot-p", 7, null);
            return null;
        }));
        assertEquals(4, runs.get(), "maxRetries(3): one attempt and three retries");
        assertEquals(3, e.getSuppressed().length);
        assertTrue(hasCause(e, "40P01"));
        assertEquals(0, snapshot("acc-p").account().sequence());
    }

    // ---------------------------------------------------------------- bounded waits

    /**
     * Another connection holds the account's row locked (as a console session or a stuck transaction would): a unit
     * of work gives up after the store's lock timeout with the typed error, once (not retried), and leaves no trace.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aLockedAccountTimesOutWithTheTypedErrorAndChangesNothing() throws Exception {
        store.insertAccountIfAbsent(account("acc-l"));
        Snapshot before = snapshot("acc-l");
        Duration timeout = Duration.ofMillis(500);
        JdbiCreditStore bounded = database().builder(failing).lockTimeout(timeout).maxRetries(3).build();
        AtomicInteger runs = new AtomicInteger();
        try (Connection holder = pool.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT account_id FROM "
                    + database().tablePrefix() + "accounts WHERE account_id = ? FOR UPDATE")) {
                lock.setString(1, "acc-l");
                lock.executeQuery().close();
            }
            long started = System.nanoTime();
            LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> bounded.inAccount("acc-l", tx -> {
                runs.incrementAndGet();
                grant(tx, "lot-l", 5, null);
                return null;
            }));
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            holder.rollback();
            assertEquals(timeout, e.timeout());
            assertTrue(e.getMessage().contains("acc-l"), e.getMessage());
            // The configured bound, not the 10 s default nor retries of it (MariaDB counts whole seconds).
            assertTrue(waited.compareTo(Duration.ofSeconds(5)) < 0, "waited " + waited);
            assertTrue(runs.get() <= 1, "not retried: " + runs.get());
        }
        assertEquals(before, snapshot("acc-l"));
        bounded.inAccount("acc-l", tx -> {
            grant(tx, "lot-l", 5, null);
            return null;
        });
        assertEquals(5, snapshot("acc-l").balances().get(0).balance());
    }

    /**
     * PostgreSQL bounds every lock wait of a call, catalog writes included: a package row held by another
     * connection makes an update give up after the lock timeout, typed, with the row unchanged. (H2 and MariaDB bound
     * waits for rows other than the account's by the connection's own setting, as documented.)
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aLockedCatalogRowTimesOutOnPostgresql() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(database().dialect() == Dialect.POSTGRESQL);
        CreditPackage starter = CreditPackage.of("starter-l", "Starter", 100, Money.of("199.00", "USD"));
        store.catalog().save(CatalogTable.PACKAGES, starter);
        JdbiCreditStore bounded = database().builder(pool).lockTimeout(Duration.ofMillis(300)).build();
        try (Connection holder = pool.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT package_id FROM "
                    + database().tablePrefix() + "packages WHERE package_id = ? FOR UPDATE")) {
                lock.setString(1, "starter-l");
                lock.executeQuery().close();
            }
            long started = System.nanoTime();
            assertThrows(LockTimeoutException.class, () -> bounded.catalog().update(CatalogTable.PACKAGES,
                    CreditPackage.of("starter-l", "Renamed", 100, Money.of("199.00", "USD"))));
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            holder.rollback();
            assertTrue(waited.compareTo(Duration.ofSeconds(5)) < 0, "waited " + waited);
        }
        assertEquals(Optional.of(starter), store.catalog().find(CatalogTable.PACKAGES, "starter-l"));
    }

    @Test
    void theLockTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> JdbiCreditStore.builder(pool).lockTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> JdbiCreditStore.builder(pool).lockTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class,
                () -> JdbiCreditStore.builder(pool).lockTimeout(Duration.ofDays(30)));
    }

    // ---------------------------------------------------------------- host transactions

    /**
     * With the pool itself (the documented way), a ledger call made while the host has a transaction open runs in a
     * transaction of its own: it is committed when the call returns, and the host's rollback undoes only the host's
     * own write.
     */
    @Test
    void aLedgerCallDuringAHostTransactionCommitsOnItsOwn() throws Exception {
        String jobs = hostTable();
        store.insertAccountIfAbsent(account("acc-h"));
        try (Connection host = pool.getConnection()) {
            host.setAutoCommit(false);
            insertJob(host, jobs, "job-1");
            store.inAccount("acc-h", tx -> {
                grant(tx, "lot-h", 9, null);
                return null;
            });
            host.rollback();
        }
        assertEquals(0, countJobs(jobs, "job-1"), "the host's rollback undid the host's row");
        assertEquals(9, snapshot("acc-h").balances().get(0).balance(), "the ledger call stayed committed");
    }

    /**
     * A data source that hands the store the host's own connection in the middle of its transaction (what Spring's
     * TransactionAwareDataSourceProxy does inside a @Transactional method): the store refuses it before running
     * anything, so it neither commits nor rolls back the host's pending work, and the host decides its fate.
     */
    @Test
    void aConnectionInsideAHostTransactionIsRefusedAndLeftAsItWas() throws Exception {
        String jobs = hostTable();
        store.insertAccountIfAbsent(account("acc-t"));
        Snapshot before = snapshot("acc-t");
        for (boolean hostCommits : new boolean[] {false, true}) {
            String job = "job-" + hostCommits;
            try (Connection host = pool.getConnection()) {
                host.setAutoCommit(false);
                insertJob(host, jobs, job);
                JdbiCreditStore onHostConnection = database().builder(transactionBound(host)).build();
                StoreConfigurationException e = assertThrows(StoreConfigurationException.class,
                        () -> onHostConnection.inAccount("acc-t", tx -> {
                            grant(tx, "lot-t", 9, null);
                            return null;
                        }));
                assertTrue(e.getMessage().contains("auto-commit"), e.getMessage());
                assertThrows(StoreConfigurationException.class, () -> onHostConnection.findAccount("acc-t"));
                CreditLedger ledger = CreditLedger.builder().store(onHostConnection).build();
                StoreConfigurationException named = assertThrows(StoreConfigurationException.class,
                        () -> ledger.openAccount("acc-u"));
                assertTrue(named.getMessage().startsWith("openAccount"), "names the ledger call: " + named.getMessage());
                assertFalse(host.getAutoCommit(), "the store left the host's connection in its transaction");
                assertEquals(0, countJobs(jobs, job), "the store committed nothing of the host's");
                try (PreparedStatement select = host.prepareStatement("SELECT COUNT(*) FROM " + jobs + " WHERE id = ?")) {
                    select.setString(1, job);
                    try (ResultSet rs = select.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals(1, rs.getInt(1), "the store rolled back nothing of the host's");
                    }
                }
                if (hostCommits) {
                    host.commit();
                } else {
                    host.rollback();
                }
                host.setAutoCommit(true);
            }
            assertEquals(hostCommits ? 1 : 0, countJobs(jobs, job));
        }
        assertEquals(before, snapshot("acc-t"));
    }

    /** A host table next to the store's (dropped with the test database). */
    private String hostTable() throws SQLException {
        String table = database().tablePrefix() + "host_jobs";
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (id VARCHAR(64) PRIMARY KEY)");
            statement.execute("DELETE FROM " + table);
        }
        return table;
    }

    private static void insertJob(Connection connection, String table, String id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (id) VALUES (?)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        }
    }

    /** @return how many rows with the id another connection sees */
    private int countJobs(String table, String id) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** A data source that always hands out {@code connection}, whose close does nothing (it stays the host's). */
    private static DataSource transactionBound(Connection connection) {
        Connection bound = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") || method.getName().equals("isClosed")) {
                        return method.getName().equals("close") ? null : false;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getConnection" -> bound;
                    case "toString" -> "transaction-bound data source";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /**
     * A receipt of one line is kept on its entry's row (schema version 9), of several lines in allocations, as is a
     * hold's; a line kept in allocations by a database written before version 9 reads as before.
     */
    @Test
    void aReceiptOfOneLineIsKeptOnItsEntryAndOfSeveralLinesInAllocations() {
        store.insertAccountIfAbsent(account("acc-r"));
        for (String lotId : List.of("lot-r1", "lot-r2")) {
            store.inAccount("acc-r", tx -> {
                grant(tx, lotId, 10, null);
                return null;
            });
        }
        Hold hold = hold("hold-r", "acc-r", 4, T0.plusSeconds(300));
        List<Allocation> one = List.of(new Allocation("tx-one", 0, "lot-r1", -3));
        List<Allocation> two = List.of(new Allocation("tx-two", 0, "lot-r1", -7), new Allocation("tx-two", 1, "lot-r2",
                -2));
        List<Allocation> held = List.of(new Allocation("hold-r", 0, "lot-r2", 4));
        store.inAccount("acc-r", tx -> {
            Account account = jdbc(tx).account();
            List<Allocation> lines = new ArrayList<>(two);
            lines.addAll(held);
            lines.addAll(one);
            tx.write(changes(account.withSequence(account.sequence() + 2), List.of(), List.of(), List.of(),
                    List.of(entry("tx-one", "acc-r", account.sequence() + 1, EntryType.DEDUCTION, -3, 17, T0),
                            entry("tx-two", "acc-r", account.sequence() + 2, EntryType.DEDUCTION, -9, 8, T0)),
                    lines, List.of(hold), List.of(), null));
            return null;
        });

        String prefix = database().tablePrefix();
        try (Handle handle = Jdbi.open(pool)) {
            assertEquals(List.of("lot-r1"), handle.createQuery("SELECT lot_id FROM " + prefix + "entries"
                    + " WHERE transaction_id = 'tx-one'").mapTo(String.class).list());
            assertEquals(0, handle.createQuery("SELECT COUNT(*) FROM " + prefix + "allocations"
                    + " WHERE owner_id = 'tx-one'").mapTo(Integer.class).one(), "no row of allocations");
            assertEquals(2, handle.createQuery("SELECT COUNT(*) FROM " + prefix + "allocations"
                    + " WHERE owner_id = 'tx-two'").mapTo(Integer.class).one());
            assertEquals(1, handle.createQuery("SELECT COUNT(*) FROM " + prefix + "allocations"
                    + " WHERE owner_id = 'hold-r'").mapTo(Integer.class).one());
        }
        store.readAccount("acc-r", tx -> {
            assertEquals(one, tx.findAllocations("tx-one"));
            assertEquals(two, tx.findAllocations("tx-two"));
            assertEquals(held, tx.findAllocations("hold-r"));
            assertEquals(List.of(new Allocation("tx-lot-r1", 0, "lot-r1", 10)), tx.findAllocations("tx-lot-r1"));
            return null;
        });

        // As a database written before version 9 holds it: the line in allocations, none on the entry.
        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("UPDATE " + prefix + "entries SET lot_id = NULL, lot_amount = NULL"
                    + " WHERE transaction_id = 'tx-one'");
            handle.execute("INSERT INTO " + prefix + "allocations (owner_id, line_no, lot_id, amount)"
                    + " VALUES ('tx-one', 0, 'lot-r1', -3)");
        }
        store.readAccount("acc-r", tx -> {
            assertEquals(one, tx.findAllocations("tx-one"));
            return null;
        });
    }

    @Test
    void roundTripsOfAGrantAreFew() {
        store.insertAccountIfAbsent(account("acc-rt"));
        store.inAccount("acc-rt", tx -> { // warm up: dialect, isolation check
            grant(tx, "lot-rt0", 1, null);
            return null;
        });
        int statementsBefore = failing.executions();
        int commitsBefore = failing.commits();
        store.inAccount("acc-rt", tx -> {
            grant(tx, "lot-rt1", 1, null);
            return null;
        });
        int statements = failing.executions() - statementsBefore;
        int commits = failing.commits() - commitsBefore;
        // lock, balances; account, balance, lot, entry, allocation; (+1 SET TRANSACTION where the pool is not RC).
        // PostgreSQL: lock, balances, then the change set and the COMMIT in one pipeline (no separate commit).
        System.out.printf("%s: a grant took %d statements and %d commit%n", database().dialect(), statements, commits);
        if (database().dialect() == Dialect.POSTGRESQL) {
            assertEquals(0, commits);
            assertEquals(3, statements);
        } else {
            assertEquals(1, commits);
            assertTrue(statements <= 8, "statements: " + statements);
        }
    }

    static boolean hasCause(Throwable failure, String sqlState) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sqlState.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** The JDBC store's own reads, behind {@link dev.credits.spi.AccountTransaction#snapshot}. */
    static JdbcAccountTransaction jdbc(dev.credits.spi.AccountTransaction tx) {
        return (JdbcAccountTransaction) tx;
    }
}
