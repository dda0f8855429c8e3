package dev.credits.tck;

import dev.credits.Allocation;
import dev.credits.Balance;
import dev.credits.CheckResult;
import dev.credits.CommitResult;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.ExpiryReport;
import dev.credits.GrantResult;
import dev.credits.Hold;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.RejectionReason;
import dev.credits.ReserveRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rule 11: expiry is half-open, never spendable or shown, and written once per lot. */
public interface ExpiryContract extends ContractFixture {

    private List<LedgerEntry> expiries(String accountId) {
        return entries(accountId).stream().filter(entry -> entry.type() == EntryType.EXPIRY).toList();
    }

    /** Asserts the expiry entry's one receipt line takes {@code amount} from {@code lotId}. */
    private void assertExpiryOf(LedgerEntry expiry, String lotId, long amount) {
        assertEquals(EntryType.EXPIRY, expiry.type());
        assertEquals(-amount, expiry.amount());
        assertEquals(List.of(new Allocation(expiry.transactionId(), 0, lotId, -amount)),
                ledger().receipt(expiry.transactionId()).allocations());
    }

    @Test
    default void aLotExpiresAtItsExpiryInstantEvenBeforeASweep() {
        String accountId = openAccount();
        Instant expiry = now().plus(Duration.ofHours(1));
        grantExpiring(accountId, 10, expiry);
        String lasting = grant(accountId, 5).lot().lotId();
        String key = feature("image", 12);

        clock().set(expiry.minusMillis(1));
        Balance justBefore = balance(accountId);
        assertEquals(15, justBefore.total());
        assertEquals(expiry, justBefore.nextExpiry());
        assertTrue(ledger().checkCredits(accountId, key).hasEnough());

        clock().set(expiry);
        AccountState atExpiry = state(accountId);
        Balance balance = balance(accountId);
        assertEquals(5, balance.total());
        assertEquals(5, balance.available());
        assertNull(balance.nextExpiry());
        assertEquals(List.of(lasting), balance.lots().stream().map(Lot::lotId).toList());
        CheckResult check = ledger().checkCredits(accountId, key);
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, check.reason());
        assertEquals(5, check.available());
        DeductionResult deduction = ledger().deductCredits(accountId, key);
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, deduction.reason());
        assertEquals(5, deduction.available());
        assertFalse(ledger().reserve(ReserveRequest.of(accountId, key)).success());
        assertUnchanged(atExpiry, accountId);
        assertTrue(expiries(accountId).isEmpty(), "reads or rejections wrote an expiry");
    }

    @Test
    default void expiredCreditsAreNeverSpent() {
        String accountId = openAccount();
        String expiring = grantExpiring(accountId, 10, now().plus(Duration.ofMinutes(1))).lot().lotId();
        String lasting = grant(accountId, 5).lot().lotId();
        advance(Duration.ofMinutes(1));

        DeductionResult result = deductOk(accountId, feature("unit", 1), 4);

        assertEquals(List.of(new Allocation(result.transactionId(), 0, lasting, -4)),
                ledger().receipt(result.transactionId()).allocations());
        assertEquals(1, balance(accountId).total());
        List<LedgerEntry> expiries = expiries(accountId);
        assertEquals(1, expiries.size());
        assertExpiryOf(expiries.get(0), expiring, 10);
        assertInvariants(accountId);
    }

    @Test
    default void expireDueWritesOneExpiryEntryPerLotAcrossAccounts() {
        String first = openAccount();
        String a = grantExpiring(first, 10, now().plus(Duration.ofHours(1))).lot().lotId();
        String b = grantExpiring(first, 7, now().plus(Duration.ofHours(2))).lot().lotId();
        grant(first, 5);
        deductOk(first, feature("unit", 1), 3);
        String second = openAccount();
        String c = grantExpiring(second, 4, now().plus(Duration.ofHours(1))).lot().lotId();
        advance(Duration.ofHours(2));

        ExpiryReport report = ledger().expireDue();

        assertTrue(report.accounts() >= 2, () -> "accounts: " + report);
        assertTrue(report.lotsExpired() >= 3, () -> "lots: " + report);
        assertTrue(report.creditsExpired() >= 7 + 7 + 4, () -> "credits: " + report);
        List<LedgerEntry> firstExpiries = expiries(first);
        assertEquals(2, firstExpiries.size());
        List<String> expiredLots = firstExpiries.stream()
                .map(entry -> ledger().receipt(entry.transactionId()).allocations().get(0).lotId()).toList();
        assertTrue(expiredLots.containsAll(List.of(a, b)), () -> "expired lots " + expiredLots);
        for (LedgerEntry expiry : firstExpiries) {
            assertExpiryOf(expiry, ledger().receipt(expiry.transactionId()).allocations().get(0).lotId(), 7);
        }
        assertEquals(1, expiries(second).size());
        assertExpiryOf(expiries(second).get(0), c, 4);
        assertEquals(5, balance(first).total());
        assertEquals(0, balance(second).total());

        AccountState firstSwept = state(first);
        AccountState secondSwept = state(second);
        ledger().expireDue();
        assertUnchanged(firstSwept, first);
        assertUnchanged(secondSwept, second);
        assertInvariants(first);
        assertInvariants(second);
    }

    @Test
    default void aWriteToTheAccountExpiresItsDueLotsFirst() {
        String accountId = openAccount();
        String expiring = grantExpiring(accountId, 10, now().plus(Duration.ofHours(1))).lot().lotId();
        grant(accountId, 5);
        advance(Duration.ofHours(1));
        long before = sequence(accountId);

        GrantResult topUp = grant(accountId, 3);

        List<LedgerEntry> entries = entries(accountId);
        assertEquals(EntryType.GRANT, entries.get(0).type());
        assertEquals(topUp.transactionId(), entries.get(0).transactionId());
        assertExpiryOf(entries.get(1), expiring, 10);
        assertEquals(before + 1, entries.get(1).sequence());
        assertEquals(before + 2, entries.get(0).sequence());
        assertEquals(before + 2, topUp.sequence());
        assertEquals(8, topUp.balanceAfter());
        assertEquals(8, balance(accountId).total());
        assertInvariants(accountId);
    }

    @Test
    default void aLotExpiringWhileHeldKeepsOnlyTheHeldPartAndACommitChargesIt() {
        String accountId = openAccount();
        String lotId = grantExpiring(accountId, 10, now().plus(Duration.ofMinutes(1))).lot().lotId();
        Hold hold = ledger().reserve(ReserveRequest.of(accountId, feature("render", 4))).hold();
        advance(Duration.ofMinutes(1));

        Balance balance = balance(accountId);
        assertEquals(4, balance.total());
        assertEquals(4, balance.held());
        assertEquals(0, balance.available());
        Lot lot = lot(accountId, lotId);
        assertEquals(4, lot.remaining());
        assertEquals(4, lot.held());
        ledger().expireDue();
        List<LedgerEntry> expiries = expiries(accountId);
        assertEquals(1, expiries.size());
        assertExpiryOf(expiries.get(0), lotId, 6);

        CommitResult commit = ledger().commit(hold.holdId());

        assertEquals(4, commit.creditsCharged());
        assertEquals(0, balance(accountId).total());
        assertEquals(1, expiries(accountId).size());
        assertInvariants(accountId);
    }

    @Test
    default void aHoldReleasedAfterItsLotExpiredLetsTheCreditsExpire() {
        String accountId = openAccount();
        String lotId = grantExpiring(accountId, 10, now().plus(Duration.ofMinutes(1))).lot().lotId();
        Hold hold = ledger().reserve(ReserveRequest.of(accountId, feature("render", 4))).hold();
        advance(Duration.ofMinutes(1));

        ledger().release(hold.holdId());

        Balance balance = balance(accountId);
        assertEquals(0, balance.total());
        assertEquals(0, balance.held());
        assertTrue(balance.lots().isEmpty(), () -> "lots left: " + balance.lots());
        long expired = expiries(accountId).stream().mapToLong(LedgerEntry::amount).sum();
        assertEquals(-10, expired);
        assertEquals(0, remaining(accountId, lotId));
        assertInvariants(accountId);
    }

    @Test
    default void aPartialCommitOnAnExpiredLotLetsTheRestExpire() {
        String accountId = openAccount();
        grantExpiring(accountId, 10, now().plus(Duration.ofMinutes(1)));
        Hold hold = ledger().reserve(ReserveRequest.of(accountId, feature("render", 4))).hold();
        advance(Duration.ofMinutes(1));

        CommitResult commit = ledger().commit(hold.holdId(), 3);

        assertEquals(3, commit.creditsCharged());
        assertEquals(1, commit.creditsReleased());
        assertEquals(0, balance(accountId).total());
        assertEquals(-7, expiries(accountId).stream().mapToLong(LedgerEntry::amount).sum());
        assertInvariants(accountId);
    }

    @Test
    default void readsAfterAnExpiryReportTheLastWrittenSequenceAndWriteNothing() {
        String accountId = openAccount();
        String feature = feature("render", 1);
        grantExpiring(accountId, 50, now().plus(Duration.ofMinutes(1)));
        grantExpiring(accountId, 30, now().plus(Duration.ofMinutes(2)));
        long written = sequence(accountId);
        advance(Duration.ofMinutes(3));

        long checked = ledger().checkCredits(accountId, feature).sequence();
        Balance balance = balance(accountId);

        assertEquals(0, balance.total());
        assertEquals(written, checked, "check reported a sequence that was never written");
        assertEquals(written, balance.sequence(), "balance reported a sequence that was never written");
        assertEquals(written, sequence(accountId), "a read wrote something");
        assertEquals(written, entries(accountId).get(0).sequence());
        assertInvariants(accountId);
    }
}
