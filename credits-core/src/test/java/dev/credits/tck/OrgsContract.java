package dev.credits.tck;

import dev.credits.Account;
import dev.credits.AccountSettings;
import dev.credits.Actor;
import dev.credits.AuditAction;
import dev.credits.AuditFilter;
import dev.credits.AuditRecord;
import dev.credits.CapPeriod;
import dev.credits.ChargeResult;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.EventPayload;
import dev.credits.GrantRequest;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.PageRequest;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.PurchaseStateException;
import dev.credits.PurchaseStatus;
import dev.credits.RejectionReason;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import dev.credits.SpendingCap;
import dev.credits.TransferRequest;
import dev.credits.TransferResult;
import dev.credits.UnknownAccountException;
import dev.credits.spi.CapUsage;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.OrgChanges;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Organizations: members spend from their pools, caps per period and per key, transfers, the approval of large
 * purchases, and the store's unit of work over several accounts they stand on.
 */
public interface OrgsContract extends ContractFixture {

    /** @return a new account that is a member of {@code parentId} */
    private String member(String parentId) {
        String id = openAccount();
        ledger().orgs().setParent(id, parentId);
        return id;
    }

    private void assertOrgInvariants(String... accountIds) {
        for (String id : accountIds) {
            assertInvariants(id);
        }
    }

    // ---------------------------------------------------------------- the store's unit over several accounts

    @Test
    default void aUnitOverSeveralAccountsWritesAllOfThemOrNone() {
        String a = openAccount();
        String b = openAccount();
        RuntimeException boom = new IllegalStateException("boom");
        RuntimeException thrown = assertThrows(IllegalStateException.class, () -> store().inAccounts(List.of(a, b),
                txs -> {
                    for (var tx : txs) {
                        Account account = tx.snapshot(now(), null, null).account();
                        tx.write(capWrite(account, 7));
                    }
                    throw boom;
                }));
        assertEquals(boom, thrown);
        assertEquals(0, sequence(a));
        assertEquals(0, sequence(b));
        String order = store().inAccounts(List.of(b, a), txs -> {
            StringBuilder ids = new StringBuilder();
            for (var tx : txs) {
                Account account = tx.snapshot(now(), null, null).account();
                ids.append(account.accountId()).append(' ');
                tx.write(capWrite(account, 7));
            }
            return ids.toString();
        });
        assertEquals(b + " " + a + " ", order, "one transaction per account, in the order named");
        assertEquals(1, sequence(a));
        assertEquals(1, sequence(b));
        for (String id : List.of(a, b)) {
            assertEquals(7L, (long) store().readAccount(id, tx -> tx.findCapUsage("c", "k", START)));
            assertEquals(1, store().readAccount(id, tx -> tx.findCaps()).size());
        }
        assertThrows(UnknownAccountException.class,
                () -> store().inAccounts(List.of(a, "acct-missing-" + a), txs -> null));
    }

    private ChangeSet capWrite(Account account, long used) {
        SpendingCap cap = SpendingCap.of("c", CapPeriod.DAY, 10).perKey("k").stored(account.accountId(), "admin", START);
        return new ChangeSet(account.withSequence(account.sequence() + 1), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), null, List.of(), List.of(), null, List.of(), List.of(), List.of(),
                new OrgChanges(List.of(cap), List.of(), List.of(
                        new CapUsage(account.accountId(), "c", "k", START, used))));
    }

    @Test
    default void capRowsAreReplacedAndRemovedWithTheirUsage() {
        String a = openAccount();
        store().inAccount(a, tx -> {
            tx.write(capWrite(tx.snapshot(now(), null, null).account(), 3));
            return null;
        });
        store().inAccount(a, tx -> {
            tx.write(capWrite(tx.snapshot(now(), null, null).account(), 5));
            return null;
        });
        assertEquals(5L, (long) store().readAccount(a, tx -> tx.findCapUsage("c", "k", START)));
        SpendingCap stored = store().readAccount(a, tx -> tx.findCaps()).get(0);
        assertEquals(SpendingCap.of("c", CapPeriod.DAY, 10).perKey("k").stored(a, "admin", START), stored);
        store().inAccount(a, tx -> {
            Account account = tx.snapshot(now(), null, null).account();
            tx.write(new ChangeSet(account.withSequence(account.sequence() + 1), List.of(), List.of(), List.of(),
                    List.of(), List.of(), List.of(), List.of(), null, List.of(), List.of(), null, List.of(),
                    List.of(), List.of(), new OrgChanges(List.of(), List.of("c"), List.of())));
            return null;
        });
        assertEquals(0L, (long) store().readAccount(a, tx -> tx.findCapUsage("c", "k", START)));
        assertTrue(store().readAccount(a, tx -> tx.findCaps()).isEmpty());
    }

    // ---------------------------------------------------------------- pools

    @Test
    default void aMemberSpendsItsOwnCreditsFirstThenThePoolsAndThePoolsInvariantsHold() {
        String org = openFunded(1_000);
        String dept = member(org);
        String user = member(dept);
        grant(user, 5);
        grant(dept, 10);
        String feature = feature("gen", 20);
        Account stored = ledger().getAccount(user).orElseThrow();
        assertEquals(dept, stored.parentId());

        dev.credits.CheckResult check = ledger().checkCredits(user, feature);
        assertTrue(check.hasEnough(), () -> "a member's check counts its pools: " + check);
        assertEquals(5 + 10 + 1_000, check.available());
        assertNull(ledger().inspection().explain(user, feature).rejection(), "explain counts the pools too");

        DeductionResult result = ledger().deductCredits(DeductRequest.of(user, feature));

        assertTrue(result.success(), () -> "rejected: " + result);
        assertEquals(20, result.creditsDeducted());
        assertEquals(5 + 10 + 1_000, result.available(), "a member's available counts what its pools can lend");
        assertEquals(0, available(user));
        assertEquals(0, available(dept));
        assertEquals(995, available(org));
        List<LedgerEntry> orgEntries = entries(org);
        assertEquals(EntryType.TRANSFER, orgEntries.get(0).type());
        assertEquals(-5, orgEntries.get(0).amount());
        assertOrgInvariants(org, dept, user);
    }

    @Test
    default void aMemberIsRejectedWhenNeitherItNorItsPoolsHaveEnoughAndNothingChanges() {
        String org = openFunded(3);
        String user = member(org);
        String feature = feature("gen", 5);
        AccountState orgBefore = state(org);
        DeductionResult result = ledger().deductCredits(DeductRequest.of(user, feature));
        assertFalse(result.success());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, result.reason());
        assertEquals(3, result.available());
        assertFalse(ledger().checkCredits(user, feature).hasEnough());
        assertUnchanged(orgBefore, org);
    }

    @Test
    default void aMemberWithAnOverdraftDoesNotBorrowThePoolsOverdraft() {
        String org = openAccountWithOverdraft(100);
        grant(org, 10);
        String user = member(org);
        String feature = feature("gen", 15);
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, ledger().deductCredits(DeductRequest.of(user, feature)).reason());
        assertEquals(10, available(org));
    }

    @Test
    default void theHierarchyRefusesLoopsTooDeepTreesAndItselfAndChangesNothing() {
        String org = openAccount();
        String dept = member(org);
        String team = member(dept);
        String user = member(team);
        assertThrowsUnchanged(InvalidArgumentException.class, org, () -> ledger().orgs().setParent(org, user));
        assertThrowsUnchanged(InvalidArgumentException.class, org, () -> ledger().orgs().setParent(org, org));
        String fifth = openAccount();
        assertThrowsUnchanged(InvalidArgumentException.class, fifth, () -> ledger().orgs().setParent(fifth, user));
        assertThrows(UnknownAccountException.class, () -> ledger().orgs().setParent(fifth, "acct-missing"));
        Account detached = ledger().orgs().setParent(user, null);
        assertNull(detached.parentId());
        assertEquals(team, ledger().orgs().setParent(user, team).parentId());
    }

    @Test
    default void concurrentOppositeParentChangesNeverMakeALoop() throws Exception {
        for (int round = 0; round < 10; round++) {
            String a = openAccount();
            String b = openAccount();
            List<Callable<Object>> calls = List.of(() -> ledger().orgs().setParent(a, b),
                    () -> newLedger().orgs().setParent(b, a));
            int failed = 0;
            for (Future<Object> done : runTogether(calls)) {
                try {
                    done.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause() instanceof InvalidArgumentException, e.getCause().toString());
                    failed++;
                }
            }
            assertEquals(1, failed, "exactly one of the two may win");
        }
    }

    // ---------------------------------------------------------------- transfers

    @Test
    default void aTransferKeepsTheSourceLotsExpiryAndCostBasisAndIsIdempotent() {
        String org = openAccount();
        Instant expiry = now().plus(Duration.ofDays(30));
        ledger().grant(GrantRequest.of(org, 100).withExpiresAt(expiry).withMoneyPaid(Money.of("10.00", "USD")));
        String dept = member(org);
        TransferRequest request = TransferRequest.of(org, dept, 40).withReason("Q1 allocation")
                .withIdempotencyKey("alloc-q1");

        TransferResult moved = ledger().actingAs(Actor.of("admin:1")).orgs().transfer(request);
        TransferResult again = ledger().orgs().transfer(request);

        assertTrue(moved.success());
        assertEquals(60, moved.fromAvailable());
        assertEquals(40, moved.toAvailable());
        assertTrue(again.replayed());
        assertEquals(moved.outTransactionId(), again.outTransactionId());
        assertEquals(60, available(org));
        assertEquals(40, available(dept));
        List<Lot> lots = ledger().balance(dept).lots();
        assertEquals(1, lots.size());
        Lot lot = lots.get(0);
        assertEquals(LotSource.TRANSFER, lot.source());
        assertEquals(expiry, lot.expiresAt());
        assertEquals(0, new java.math.BigDecimal("4").compareTo(lot.moneyPaid().amount()), lot.toString());
        advance(Duration.ofDays(31));
        assertEquals(0, available(dept), "transferred credits expire with their source lot");
        assertOrgInvariants(org, dept);
    }

    @Test
    default void aTransferNeverMovesMoreThanTheSourceHasAvailable() {
        String org = openFunded(10);
        String dept = member(org);
        AccountState before = state(org);
        TransferResult result = ledger().orgs().transfer(TransferRequest.of(org, dept, 11));
        assertFalse(result.success());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, result.reason());
        assertEquals(10, result.fromAvailable());
        assertUnchanged(before, org);
    }

    @Test
    default void badTransfersAreTypedErrorsThatChangeNothing() {
        String org = openFunded(10);
        String dept = member(org);
        String other = openFunded(10);
        assertThrowsUnchanged(InvalidArgumentException.class, org,
                () -> ledger().orgs().transfer(TransferRequest.of(org, org, 1)));
        assertThrowsUnchanged(InvalidArgumentException.class, org,
                () -> ledger().orgs().transfer(TransferRequest.of(org, other, 1)));
        assertThrowsUnchanged(InvalidArgumentException.class, dept,
                () -> ledger().orgs().transfer(TransferRequest.of(dept, other, 1)));
        assertThrowsUnchanged(InvalidArgumentException.class, org,
                () -> ledger().orgs().transfer(TransferRequest.of(org, dept, -1)));
        assertThrowsUnchanged(InvalidArgumentException.class, org,
                () -> ledger().orgs().setCap(org, SpendingCap.of("neg", CapPeriod.DAY, -1)));
    }

    @Test
    default void concurrentOppositeTransfersCompleteWithoutDeadlockAndConserveCredits() throws Exception {
        String org = openFunded(1_000);
        String a = member(org);
        String b = member(org);
        ledger().orgs().transfer(TransferRequest.of(org, a, 400));
        ledger().orgs().transfer(TransferRequest.of(org, b, 400));
        int threads = 8;
        int perThread = 40;
        List<Callable<Object>> calls = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean forward = t % 2 == 0;
            CreditLedger ledger = t % 3 == 0 ? newLedger() : ledger();
            calls.add(() -> {
                for (int i = 0; i < perThread; i++) {
                    String from = (forward ^ i % 2 == 0) ? a : b;
                    String to = from.equals(a) ? b : a;
                    ledger.orgs().transfer(TransferRequest.of(i % 5 == 0 ? org : from, i % 5 == 0 ? a : to, 3));
                }
                return null;
            });
        }
        for (Future<Object> done : runTogether(calls)) {
            done.get(60, TimeUnit.SECONDS);
        }
        assertEquals(1_000, available(org) + available(a) + available(b));
        assertOrgInvariants(org, a, b);
    }

    // ---------------------------------------------------------------- caps

    @Test
    default void aCapAllowsSpendingToTheEndOfItsPeriodAndResetsAtTheNext() {
        ZoneId zone = ZoneId.of("Europe/Berlin");
        String org = openFunded(1_000);
        String dept = member(org);
        SpendingCap cap = ledger().actingAs(Actor.of("admin:7")).orgs()
                .setCap(dept, SpendingCap.of("daily", CapPeriod.DAY, 10).inZone(zone));
        assertEquals("admin:7", cap.changedBy());
        String feature = feature("gen", 4);
        Instant midnight = now().atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
        clock().set(midnight.minusMillis(1));
        assertTrue(ledger().deductCredits(DeductRequest.of(dept, feature)).success());
        assertTrue(ledger().deductCredits(DeductRequest.of(dept, feature)).success());
        DeductionResult over = ledger().deductCredits(DeductRequest.of(dept, feature));
        assertEquals(RejectionReason.CAP_EXCEEDED, over.reason());
        assertEquals(429, over.reason().httpStatus());
        assertEquals(dept, over.capExceeded().accountId());
        assertEquals(10, over.capExceeded().limit());
        assertEquals(8, over.capExceeded().used());
        assertEquals(2, over.capExceeded().remaining());
        assertEquals(midnight, over.capExceeded().periodEnd());
        clock().set(midnight);
        assertTrue(ledger().deductCredits(DeductRequest.of(dept, feature)).success(), "a new period starts at its start");
        assertEquals(4, ledger().orgs().capUsed(dept, "daily", null));
        assertOrgInvariants(org, dept);
    }

    @Test
    default void aPoolsCapCountsItsMembersSpendingAndAKeyedCapCountsPerKey() {
        String org = openFunded(1_000);
        String dept = member(org);
        String user = member(dept);
        ledger().orgs().setCap(dept, SpendingCap.of("monthly", CapPeriod.MONTH, 25));
        ledger().orgs().setCap(user, SpendingCap.of("per-qr", CapPeriod.DAY, 10).perKey("qr_code"));
        String feature = feature("scan", 5);
        DeductRequest qr1 = DeductRequest.of(user, feature).withMetadata(Map.of("qr_code", "q1"));
        DeductRequest qr2 = DeductRequest.of(user, feature).withMetadata(Map.of("qr_code", "q2"));
        assertTrue(ledger().deductCredits(qr1).success());
        assertTrue(ledger().deductCredits(qr1).success());
        DeductionResult third = ledger().deductCredits(qr1);
        assertEquals(RejectionReason.CAP_EXCEEDED, third.reason());
        assertEquals("q1", third.capExceeded().key());
        assertTrue(ledger().deductCredits(qr2).success());
        assertTrue(ledger().deductCredits(qr2).success());
        assertTrue(ledger().deductCredits(DeductRequest.of(user, feature)).success(), "no key, no per-key cap");
        DeductionResult poolCap = ledger().deductCredits(DeductRequest.of(user, feature));
        assertEquals(RejectionReason.CAP_EXCEEDED, poolCap.reason());
        assertEquals(dept, poolCap.capExceeded().accountId());
        assertEquals(25, ledger().orgs().capUsed(dept, "monthly", null));
        assertEquals(10, ledger().orgs().capUsed(user, "per-qr", "q1"));
    }

    @Test
    default void aKeyedCapRefusesAKeyLongerThan128CharactersAndChangesNothing() {
        String org = openFunded(100);
        ledger().orgs().setCap(org, SpendingCap.of("per-qr", CapPeriod.DAY, 10).perKey("qr_code"));
        String feature = feature("scan", 1);
        assertThrowsUnchanged(InvalidArgumentException.class, org, () -> ledger().deductCredits(
                DeductRequest.of(org, feature).withMetadata(Map.of("qr_code", "q".repeat(129)))));
        assertTrue(ledger().deductCredits(DeductRequest.of(org, feature)
                .withMetadata(Map.of("qr_code", "q".repeat(128)))).success());
    }

    @Test
    default void aHoldCountsAgainstACapAndGivesItBackWhenItTimesOutOrCommitsLess() {
        String org = openFunded(1_000);
        String user = member(org);
        ledger().orgs().setCap(user, SpendingCap.of("daily", CapPeriod.DAY, 10).perKey(SpendingCap.USER_KEY));
        String feature = feature("gen", 6);
        ReserveRequest request = ReserveRequest.of(user, feature).withUserId("u1").withTimeout(Duration.ofMinutes(1));
        ReservationResult held = ledger().reserve(request);
        assertTrue(held.success());
        assertEquals(6, ledger().orgs().capUsed(user, "daily", "u1"));
        ReservationResult second = ledger().reserve(request);
        assertEquals(RejectionReason.CAP_EXCEEDED, second.reason());
        assertEquals(4, second.capExceeded().remaining());
        advance(Duration.ofMinutes(2));
        ReservationResult afterTimeout = ledger().reserve(request);
        assertTrue(afterTimeout.success(), "the timed-out hold gave the cap back");
        assertEquals(6, ledger().orgs().capUsed(user, "daily", "u1"));
        ledger().commit(afterTimeout.hold().holdId(), 2);
        assertEquals(2, ledger().orgs().capUsed(user, "daily", "u1"), "a smaller commit gives the rest back");
        assertOrgInvariants(org, user);
    }

    // ---------------------------------------------------------------- caps: what holds give back

    /** An organization whose department has a daily cap of 10 (total) and a per-user cap of 6; two members. */
    private String[] cappedDepartment() {
        String org = openFunded(1_000);
        String dept = member(org);
        ledger().orgs().setCap(dept, SpendingCap.of("daily", CapPeriod.DAY, 10));
        ledger().orgs().setCap(dept, SpendingCap.of("per-user", CapPeriod.DAY, 6).perKey(SpendingCap.USER_KEY));
        return new String[] {org, dept, member(dept), member(dept)};
    }

    /** A member's deduction for a user that must succeed. */
    private void spendFor(String member, String feature, long quantity, String user) {
        DeductionResult spent = ledger().deductCredits(DeductRequest.of(member, feature).withQuantity(quantity)
                .withUserId(user));
        assertTrue(spent.success(), spent.toString());
    }

    private ReservationResult holdFor(String member, String feature, long quantity, String user) {
        ReservationResult held = ledger().reserve(ReserveRequest.of(member, feature).withQuantity(quantity)
                .withUserId(user).withTimeout(Duration.ofMinutes(1)));
        assertTrue(held.success(), held.toString());
        return held;
    }

    @Test
    default void aMembersTimedOutHoldGivesItsPoolsCapsBackAtOnceToReadsAndOtherMembers() {
        String[] o = cappedDepartment();
        String dept = o[1];
        String feature = feature("gen", 1);
        holdFor(o[2], feature, 6, "u1");
        assertEquals(6, ledger().orgs().capUsed(dept, "daily", null));
        assertEquals(6, ledger().orgs().capUsed(dept, "per-user", "u1"));
        advance(Duration.ofMinutes(2));
        assertEquals(0, ledger().orgs().capUsed(dept, "daily", null), "the timed-out hold counts no more");
        assertEquals(0, ledger().orgs().capUsed(dept, "per-user", "u1"));
        DeductionResult other = ledger().deductCredits(DeductRequest.of(o[3], feature).withQuantity(6)
                .withUserId("u1"));
        assertTrue(other.success(), "another member spends the cap the timed-out hold gave back: " + other);
        assertEquals(6, ledger().orgs().capUsed(dept, "daily", null));
        assertEquals(6, ledger().orgs().capUsed(dept, "per-user", "u1"));
        ledger().expireDue();
        assertEquals(6, ledger().orgs().capUsed(dept, "daily", null), "given back once only");
        assertEquals(6, ledger().orgs().capUsed(dept, "per-user", "u1"));
        assertOrgInvariants(o);
    }

    @Test
    default void anotherMembersDeductionIsNotRefusedByAPoolCapThatATimedOutHoldStillCounted() {
        anotherMembersSpendAfterATimedOutHold(false);
    }

    @Test
    default void anotherMembersReserveIsNotRefusedByAPoolCapThatATimedOutHoldStillCounted() {
        anotherMembersSpendAfterATimedOutHold(true);
    }

    private void anotherMembersSpendAfterATimedOutHold(boolean reserve) {
        String[] o = cappedDepartment();
        String dept = o[1];
        String feature = feature("gen", 1);
        holdFor(o[2], feature, 6, "u1");
        holdFor(o[3], feature, 4, "u2");
        advance(Duration.ofMinutes(2));
        // o[3]'s own hold is noticed by its call; o[2]'s only by the pool's cap refusing it.
        boolean spent = reserve
                ? ledger().reserve(ReserveRequest.of(o[3], feature).withQuantity(6).withUserId("u1")).success()
                : ledger().deductCredits(DeductRequest.of(o[3], feature).withQuantity(6).withUserId("u1")).success();
        assertTrue(spent, "the timed-out holds no longer count");
        spendFor(o[2], feature, 4, "u2");
        DeductionResult refused = ledger().deductCredits(DeductRequest.of(o[2], feature).withUserId("u3"));
        assertEquals(RejectionReason.CAP_EXCEEDED, refused.reason(), "the cap still holds");
        assertEquals(10, refused.capExceeded().used());
        ledger().expireDue();
        assertEquals(10, ledger().orgs().capUsed(dept, "daily", null));
        assertEquals(6, ledger().orgs().capUsed(dept, "per-user", "u1"));
        assertEquals(4, ledger().orgs().capUsed(dept, "per-user", "u2"));
        assertOrgInvariants(o);
    }

    @Test
    default void aMembersTimedOutHoldGivesItsPoolsCapsBackWhenTheSweepNoticesIt() {
        String[] o = cappedDepartment();
        String dept = o[1];
        String feature = feature("gen", 1);
        holdFor(o[2], feature, 6, "u1");
        holdFor(o[3], feature, 4, "u2");
        advance(Duration.ofMinutes(2));
        ledger().expireDue();
        assertEquals(0, ledger().orgs().capUsed(dept, "daily", null));
        assertEquals(0, ledger().orgs().capUsed(dept, "per-user", "u1"));
        assertEquals(0, ledger().orgs().capUsed(dept, "per-user", "u2"));
        spendFor(o[3], feature, 6, "u1");
        spendFor(o[2], feature, 4, "u2");
        assertEquals(RejectionReason.CAP_EXCEEDED, ledger().deductCredits(DeductRequest.of(o[2], feature)).reason(),
                "the cap still holds");
        assertEquals(10, ledger().orgs().capUsed(dept, "daily", null));
        assertOrgInvariants(o);
    }

    @Test
    default void aMembersTimedOutHoldGivesItsPoolsCapsBackWhenItsOwnNextCallNoticesIt() {
        String[] o = cappedDepartment();
        String dept = o[1];
        String feature = feature("gen", 1);
        holdFor(o[2], feature, 6, "u1");
        advance(Duration.ofMinutes(2));
        spendFor(o[2], feature, 2, "u1");
        assertEquals(2, ledger().orgs().capUsed(dept, "daily", null));
        assertEquals(2, ledger().orgs().capUsed(dept, "per-user", "u1"));
        ledger().expireDue();
        assertEquals(2, ledger().orgs().capUsed(dept, "daily", null));
        spendFor(o[3], feature, 4, "u1");
        assertEquals(6, ledger().orgs().capUsed(dept, "per-user", "u1"));
        assertOrgInvariants(o);
    }

    @Test
    default void aMembersReleasedOrSmallerCommittedHoldGivesItsPoolsCapsBack() {
        String[] o = cappedDepartment();
        String dept = o[1];
        String feature = feature("gen", 1);
        ReservationResult released = holdFor(o[2], feature, 5, "u1");
        ReservationResult committed = holdFor(o[3], feature, 5, "u2");
        ledger().release(released.hold().holdId());
        ledger().commit(committed.hold().holdId(), 2);
        assertEquals(2, ledger().orgs().capUsed(dept, "daily", null));
        assertEquals(0, ledger().orgs().capUsed(dept, "per-user", "u1"));
        assertEquals(2, ledger().orgs().capUsed(dept, "per-user", "u2"));
        assertOrgInvariants(o);
    }

    @Test
    default void aCapSetAgainKeepsItsUsageAndTheHoldsItCountedStillGiveBack() {
        String acct = openFunded(1_000);
        String feature = feature("gen", 1);
        ledger().orgs().setCap(acct, SpendingCap.of("daily", CapPeriod.DAY, 10));
        ReservationResult released = ledger().reserve(ReserveRequest.of(acct, feature).withQuantity(3));
        ReservationResult committed = ledger().reserve(ReserveRequest.of(acct, feature).withQuantity(3));
        ReservationResult timedOut = ledger().reserve(ReserveRequest.of(acct, feature).withQuantity(3)
                .withTimeout(Duration.ofMinutes(1)));
        assertTrue(released.success() && committed.success() && timedOut.success());
        advance(Duration.ofSeconds(1));
        ledger().orgs().setCap(acct, SpendingCap.of("daily", CapPeriod.DAY, 20));
        assertEquals(9, ledger().orgs().capUsed(acct, "daily", null), "a re-set keeps its period's usage");
        ledger().release(released.hold().holdId());
        assertEquals(6, ledger().orgs().capUsed(acct, "daily", null), "a release gives back after a re-set");
        ledger().commit(committed.hold().holdId(), 1);
        assertEquals(4, ledger().orgs().capUsed(acct, "daily", null), "a smaller commit gives back after a re-set");
        ledger().orgs().setCap(acct, SpendingCap.of("daily", CapPeriod.DAY, 20));
        advance(Duration.ofMinutes(2));
        assertEquals(1, ledger().orgs().capUsed(acct, "daily", null), "a timeout gives back after a re-set");
        ledger().expireDue();
        assertEquals(1, ledger().orgs().capUsed(acct, "daily", null));
        assertInvariants(acct);
    }

    @Test
    default void aCapRemovedAndSetAnewNeverCountedTheHoldsBeforeIt() {
        String acct = openFunded(1_000);
        String feature = feature("gen", 1);
        ledger().orgs().setCap(acct, SpendingCap.of("daily", CapPeriod.DAY, 10));
        ReservationResult held = ledger().reserve(ReserveRequest.of(acct, feature).withQuantity(4));
        advance(Duration.ofSeconds(1));
        ledger().orgs().removeCap(acct, "daily");
        ledger().orgs().setCap(acct, SpendingCap.of("daily", CapPeriod.DAY, 10));
        assertEquals(0, ledger().orgs().capUsed(acct, "daily", null));
        assertTrue(ledger().deductCredits(DeductRequest.of(acct, feature).withQuantity(5)).success());
        ledger().release(held.hold().holdId());
        assertEquals(5, ledger().orgs().capUsed(acct, "daily", null), "the new cap never counted the hold");
        assertInvariants(acct);
    }

    @Test
    default void aChargeRefusedByACapSaysWhichCapWhatWasUsedAndWhatRemains() {
        String org = openFunded(100);
        String user = member(org);
        ledger().orgs().setCap(user, SpendingCap.of("daily", CapPeriod.DAY, 10));
        String feature = feature("gen", 6);
        assertTrue(ledger().deductCredits(DeductRequest.of(user, feature)).success());
        List<String> ran = new ArrayList<>();
        ChargeResult<String> refused = ledger().charge(ReserveRequest.of(user, feature), () -> {
            ran.add("ran");
            return "image";
        });
        assertFalse(refused.success());
        assertEquals(RejectionReason.CAP_EXCEEDED, refused.reason());
        assertEquals(429, refused.reason().httpStatus());
        assertNotNull(refused.capExceeded());
        assertEquals(user, refused.capExceeded().accountId());
        assertEquals("daily", refused.capExceeded().capId());
        assertEquals(10, refused.capExceeded().limit());
        assertEquals(6, refused.capExceeded().used());
        assertEquals(4, refused.capExceeded().remaining());
        assertTrue(ran.isEmpty(), "the work never ran");
        ChargeResult<String> billed = ledger().charge(ReserveRequest.of(org, feature), () -> "image");
        assertTrue(billed.success());
        assertNull(billed.capExceeded());
        assertEquals(6, ledger().orgs().capUsed(user, "daily", null));
    }

    @Test
    default void aSubtreeNeverMovesUnderAPoolThatWouldMakeItDeeperThanFourLevels() {
        String org = openFunded(100);
        String dept = member(org);
        String team = member(dept);
        String x = openAccount();
        String y = member(x);
        String z = member(y);
        assertThrowsUnchanged(InvalidArgumentException.class, x, () -> ledger().orgs().setParent(x, team));
        assertThrowsUnchanged(InvalidArgumentException.class, x, () -> ledger().orgs().setParent(x, dept));
        assertNull(ledger().getAccount(x).orElseThrow().parentId());
        assertEquals(org, ledger().orgs().setParent(x, org).parentId(), "two levels of members fit under the root");
        String feature = feature("gen", 1);
        assertTrue(ledger().deductCredits(DeductRequest.of(z, feature)).success(), "z is 4 levels deep and spends");
        String w = openAccount();
        assertThrowsUnchanged(InvalidArgumentException.class, w, () -> ledger().orgs().setParent(w, z));
        assertOrgInvariants(org, x, y, z);
    }

    @Test
    default void manyThreadsOnMembersOfOnePoolNeverPassAMemberCapNorThePool() throws Exception {
        String org = openFunded(500);
        String feature = feature("gen", 1);
        int members = 8;
        long cap = 40;
        List<String> ids = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            String id = member(org);
            ledger().orgs().setCap(id, SpendingCap.of("daily", CapPeriod.DAY, cap));
            ids.add(id);
        }
        int threads = 32;
        int perThread = 25;
        AtomicLong spent = new AtomicLong();
        List<Callable<Object>> calls = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String id = ids.get(t % members);
            CreditLedger ledger = t % 2 == 0 ? ledger() : newLedger();
            boolean hold = t % 4 == 3;
            calls.add(() -> {
                for (int i = 0; i < perThread; i++) {
                    if (hold) {
                        ReservationResult r = ledger.reserve(ReserveRequest.of(id, feature));
                        if (r.success()) {
                            ledger.commit(r.hold().holdId(), i % 2 == 0 ? 1 : 0);
                            spent.addAndGet(i % 2 == 0 ? 1 : 0);
                        }
                    } else if (ledger.deductCredits(DeductRequest.of(id, feature)).success()) {
                        spent.incrementAndGet();
                    }
                }
                return null;
            });
        }
        for (Future<Object> done : runTogether(calls)) {
            done.get(120, TimeUnit.SECONDS);
        }
        long memberTotal = 0;
        for (String id : ids) {
            long used = ledger().orgs().capUsed(id, "daily", null);
            assertTrue(used <= cap, "member cap passed: " + used);
            memberTotal += used;
            assertInvariants(id);
        }
        assertEquals(spent.get(), memberTotal, "every spent credit counted once");
        assertTrue(available(org) >= 0, "the pool went below its limit");
        assertEquals(500 - spent.get(), available(org) + ids.stream().mapToLong(this::available).sum());
        assertInvariants(org);
    }

    // ---------------------------------------------------------------- approvals

    private CreditLedger approvingLedger() {
        return newLedger(b -> b.purchasePolicy(dev.credits.PurchasePolicy.DEFAULT
                .withCreditRate(Money.of("0.10", "USD")).withApprovalAbove(1_000, null)));
    }

    @Test
    default void aLargePurchaseWaitsForApprovalGrantingNothingThenCompletesOnce() {
        CreditLedger ledger = approvingLedger();
        String org = openAccount();
        PurchaseResult small = ledger.commerce().purchase(PurchaseRequest.ofCredits(org, 1_000));
        assertEquals(PurchaseStatus.COMPLETED, small.purchase().status());
        PurchaseResult large = ledger.commerce().purchase(PurchaseRequest.ofCredits(org, 5_000));
        assertTrue(large.success());
        assertEquals(PurchaseStatus.PENDING_APPROVAL, large.purchase().status());
        assertEquals(1_000, available(org), "nothing granted while it waits");
        String id = large.purchase().purchaseId();
        assertThrows(PurchaseStateException.class, () -> ledger.commerce().completePurchase(id));

        PurchaseResult approved = ledger.orgs().approvePurchase(id, Actor.of("cfo"));
        PurchaseResult again = ledger.orgs().approvePurchase(id, Actor.of("cfo"));

        assertEquals(PurchaseStatus.COMPLETED, approved.purchase().status());
        assertEquals("cfo", approved.purchase().approval().approver());
        assertTrue(again.replayed());
        assertEquals(6_000, available(org));
        assertThrows(PurchaseStateException.class, () -> ledger.orgs().rejectPurchase(id, Actor.of("cfo"), "no"));
        List<PurchaseStatus> announced = ledger.events().readAccount(org, 0, 100).stream()
                .map(e -> e.payload()).filter(p -> p instanceof EventPayload.PurchaseApproval)
                .map(p -> ((EventPayload.PurchaseApproval) p).status()).toList();
        assertEquals(List.of(PurchaseStatus.PENDING_APPROVAL, PurchaseStatus.COMPLETED), announced);
        assertInvariants(org);
    }

    @Test
    default void everyMembershipCapTransferAndApprovalIsAuditedOnceWithItsActor() {
        CreditLedger admin = approvingLedger().actingAs(Actor.of("admin:7", "org setup"));
        String org = openAccount();
        admin.grant(GrantRequest.of(org, 100));
        String dept = openAccount();
        admin.orgs().setParent(dept, org);
        admin.orgs().setCap(dept, SpendingCap.of("monthly", CapPeriod.MONTH, 50));
        admin.orgs().setCap(dept, SpendingCap.of("monthly", CapPeriod.MONTH, 80));
        admin.orgs().removeCap(dept, "monthly");
        TransferResult moved = admin.orgs().transfer(TransferRequest.of(org, dept, 30));
        String waiting = admin.commerce().purchase(PurchaseRequest.ofCredits(org, 5_000)).purchase().purchaseId();
        ledger().orgs().approvePurchase(waiting, Actor.of("cfo:lee", "budget approved"));

        List<AuditRecord> ofDept = ledger().audit().account(dept, AuditFilter.all().withActor("admin:7"),
                PageRequest.first()).records();
        assertEquals(List.of(AuditAction.CAP_CHANGED, AuditAction.CAP_CHANGED, AuditAction.CAP_CHANGED,
                AuditAction.MEMBERSHIP_CHANGED), ofDept.stream().map(AuditRecord::action).toList(), "newest first");
        ofDept.forEach(r -> assertEquals(Actor.of("admin:7", "org setup"), r.actor(), r.toString()));
        assertEquals(Map.of("parentId", org), ofDept.get(3).after());
        assertEquals("50", ofDept.get(1).before().get("limit"));
        assertEquals("80", ofDept.get(1).after().get("limit"));
        assertEquals(Map.of(), ofDept.get(0).after(), "removed");

        List<AuditRecord> ofOrg = ledger().audit().account(org, AuditFilter.all().withActions(
                AuditAction.ALLOCATION_CHANGED, AuditAction.APPROVAL_DECIDED), PageRequest.first()).records();
        assertEquals(2, ofOrg.size(), ofOrg.toString());
        AuditRecord approval = ofOrg.get(0);
        assertEquals(AuditAction.APPROVAL_DECIDED, approval.action());
        assertEquals(waiting, approval.subject());
        assertEquals(Actor.of("cfo:lee", "budget approved"), approval.actor(), "the approver, not the ledger's actor");
        assertEquals(Map.of("status", PurchaseStatus.PENDING_APPROVAL.name()), approval.before());
        AuditRecord allocation = ofOrg.get(1);
        assertEquals(AuditAction.ALLOCATION_CHANGED, allocation.action());
        assertEquals(org + "->" + dept, allocation.subject());
        assertEquals(moved.outTransactionId(), allocation.after().get("outTransactionId"));
        assertEquals(Actor.of("admin:7", "org setup"), allocation.actor());
        assertEquals(Actor.of("admin:7", "org setup"), ledger().receipt(moved.inTransactionId()).entry().actor(),
                "the transfer's entries carry the actor too");
        assertOrgInvariants(org, dept);
    }

    @Test
    default void anOrganizationsOwnApprovalLimitHoldsItsMembersLargePurchasesOnly() {
        String acme = openAccount();
        String other = openAccount();
        CreditLedger ledger = newLedger(b -> b.purchasePolicy(dev.credits.PurchasePolicy.DEFAULT
                .withCreditRate(Money.of("0.10", "USD")))
                .approvalRule(dev.credits.ApprovalRule.creditsAbove(Map.of(acme, 1_000L))));
        String marketing = member(acme);
        String analyst = member(marketing);

        assertEquals(PurchaseStatus.PENDING_APPROVAL, ledger.commerce().purchase(PurchaseRequest.ofCredits(analyst,
                2_000)).purchase().status(), "a member two levels down: its organization's limit");
        assertEquals(PurchaseStatus.PENDING_APPROVAL, ledger.commerce().purchase(PurchaseRequest.ofCredits(acme,
                1_001)).purchase().status(), "the organization itself");
        assertEquals(PurchaseStatus.COMPLETED, ledger.commerce().purchase(PurchaseRequest.ofCredits(marketing,
                1_000)).purchase().status(), "at the limit: no approval");
        assertEquals(PurchaseStatus.COMPLETED, ledger.commerce().purchase(PurchaseRequest.ofCredits(other,
                50_000)).purchase().status(), "another organization without a limit");
        assertEquals(0, available(analyst), "nothing granted while it waits");
        assertEquals(1_000, available(marketing));
        assertOrgInvariants(acme, marketing, analyst, other);
    }

    @Test
    default void approvalMovesExactlyOnceUnderConcurrentApproveAndReject() throws Exception {
        CreditLedger ledger = approvingLedger();
        for (int round = 0; round < 5; round++) {
            String org = openAccount();
            String id = ledger.commerce().purchase(PurchaseRequest.ofCredits(org, 2_000).withPending(true))
                    .purchase().purchaseId();
            List<Callable<Object>> calls = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                boolean approve = t % 2 == 0;
                calls.add(() -> approve ? ledger.orgs().approvePurchase(id, Actor.of("a"))
                        : ledger.orgs().rejectPurchase(id, Actor.of("r"), "too large"));
            }
            int refused = 0;
            for (Future<Object> done : runTogether(calls)) {
                try {
                    done.get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause() instanceof PurchaseStateException, e.getCause().toString());
                    refused++;
                }
            }
            PurchaseStatus status = ledger.commerce().getPurchase(id).orElseThrow().status();
            assertTrue(status == PurchaseStatus.PENDING || status == PurchaseStatus.REJECTED, status.toString());
            assertEquals(4, refused, "the losing decision is refused on every call");
            long decisions = ledger.events().readAccount(org, 0, 100).stream()
                    .filter(e -> e.payload() instanceof EventPayload.PurchaseApproval p
                            && p.status() != PurchaseStatus.PENDING_APPROVAL).count();
            assertEquals(1, decisions);
            assertEquals(0, available(org));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static List<Future<Object>> runTogether(List<Callable<Object>> calls) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Callable<Object> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(180, TimeUnit.SECONDS), "calls did not finish: a deadlock?");
            return futures;
        } finally {
            pool.shutdownNow();
        }
    }
}
