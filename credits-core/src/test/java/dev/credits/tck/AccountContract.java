package dev.credits.tck;

import dev.credits.Account;
import dev.credits.AccountSettings;
import dev.credits.AccountStatus;
import dev.credits.Balance;
import dev.credits.CheckResult;
import dev.credits.CommitResult;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.GrantRequest;
import dev.credits.HistoryFilter;
import dev.credits.PageRequest;
import dev.credits.RefundRequest;
import dev.credits.RefundResult;
import dev.credits.RejectionReason;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import dev.credits.UnknownAccountException;
import dev.credits.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rule 1: opening, reading, pausing, resuming and configuring accounts. */
public interface AccountContract extends ContractFixture {

    @Test
    default void openAccountCreatesAnActiveEmptyAccount() {
        String accountId = newAccountId();
        AccountSettings settings = new AccountSettings(25, 10);

        Account account = ledger().openAccount(accountId, settings);

        assertEquals(accountId, account.accountId());
        assertEquals(AccountStatus.ACTIVE, account.status());
        assertEquals(25, account.overdraftLimit());
        assertEquals(10, account.lowBalanceThreshold());
        assertEquals(settings, account.settings());
        assertEquals(0, account.sequence());
        assertEquals(now(), account.createdAt());
        assertEquals(Optional.of(account), ledger().getAccount(accountId));
        Balance balance = balance(accountId);
        assertEquals(0, balance.total());
        assertEquals(0, balance.held());
        assertEquals(0, balance.available());
        assertEquals(25, balance.overdraftLimit());
        assertTrue(balance.lots().isEmpty());
        assertTrue(entries(accountId).isEmpty());
    }

    @Test
    default void openAccountIsIdempotentAndKeepsTheExistingSettings() {
        String accountId = newAccountId();
        Account first = ledger().openAccount(accountId, new AccountSettings(5, 1));
        grant(accountId, 30);
        AccountState before = state(accountId);
        advance(Duration.ofMinutes(1));

        Account again = ledger().openAccount(accountId, new AccountSettings(500, 100));
        Account defaults = ledger().openAccount(accountId);

        assertEquals(before.account(), again);
        assertEquals(before.account(), defaults);
        assertEquals(first.createdAt(), again.createdAt());
        assertEquals(5, again.overdraftLimit());
        assertUnchanged(before, accountId);
    }

    @Test
    default void unknownAccountIsRejectedByEveryCall() {
        String unknown = newAccountId();
        String featureKey = feature("image", 1);

        assertEquals(Optional.empty(), ledger().getAccount(unknown));
        assertAll(
                () -> assertThrows(UnknownAccountException.class, () -> grant(unknown, 10)),
                () -> assertThrows(UnknownAccountException.class, () -> ledger().deductCredits(unknown, featureKey)),
                () -> assertThrows(UnknownAccountException.class, () -> ledger().checkCredits(unknown, featureKey)),
                () -> assertThrows(UnknownAccountException.class,
                        () -> ledger().reserve(ReserveRequest.of(unknown, featureKey))),
                () -> assertThrows(UnknownAccountException.class, () -> ledger().balance(unknown)),
                () -> assertThrows(UnknownAccountException.class, () -> ledger().balances(unknown)),
                () -> assertThrows(UnknownAccountException.class,
                        () -> ledger().history(unknown, HistoryFilter.all(), PageRequest.first())),
                () -> assertThrows(UnknownAccountException.class, () -> ledger().pauseAccount(unknown)),
                () -> assertThrows(UnknownAccountException.class,
                        () -> ledger().updateAccountSettings(unknown, AccountSettings.DEFAULTS)));
        assertEquals(Optional.empty(), ledger().getAccount(unknown), "a failed call opened the account");
    }

    @Test
    default void pausedAccountCannotSpendAndNothingChanges() {
        String accountId = openFunded(100);
        String featureKey = feature("image", 10);

        Account paused = ledger().pauseAccount(accountId);
        assertEquals(AccountStatus.PAUSED, paused.status());
        assertEquals(paused, ledger().getAccount(accountId).orElseThrow());
        AccountState before = state(accountId);

        DeductionResult deduction = ledger().deductCredits(DeductRequest.of(accountId, featureKey));
        assertFalse(deduction.success());
        assertEquals(RejectionReason.ACCOUNT_PAUSED, deduction.reason());
        assertNull(deduction.transactionId());
        assertEquals(0, deduction.creditsDeducted());

        ReservationResult reservation = ledger().reserve(ReserveRequest.of(accountId, featureKey));
        assertFalse(reservation.success());
        assertEquals(RejectionReason.ACCOUNT_PAUSED, reservation.reason());
        assertNull(reservation.hold());

        CheckResult check = ledger().checkCredits(accountId, featureKey);
        assertFalse(check.hasEnough());
        assertEquals(RejectionReason.ACCOUNT_PAUSED, check.reason());
        assertEquals(100, check.available());

        assertUnchanged(before, accountId);
    }

    @Test
    default void pausingAPausedAccountChangesNothing() {
        String accountId = openFunded(10);
        ledger().pauseAccount(accountId);
        AccountState before = state(accountId);

        Account again = ledger().pauseAccount(accountId);

        assertEquals(before.account(), again);
        assertUnchanged(before, accountId);
    }

    @Test
    default void pausedAccountStillReceivesGrantsAndRefunds() {
        String accountId = openFunded(100);
        String featureKey = feature("image", 10);
        DeductionResult deduction = deductOk(accountId, featureKey, 3);
        ledger().pauseAccount(accountId);

        ledger().grant(GrantRequest.of(accountId, 50));
        RefundResult refund = ledger().refundCredits(RefundRequest.of(deduction.transactionId()).withCredits(10));

        assertEquals(10, refund.creditsRefunded());
        assertEquals(100 - 30 + 50 + 10, available(accountId));
        assertEquals(AccountStatus.PAUSED, ledger().getAccount(accountId).orElseThrow().status());
    }

    @Test
    default void holdPlacedBeforeThePauseCanStillBeCommittedOrReleased() {
        String accountId = openFunded(100);
        String featureKey = feature("image", 10);
        String committed = ledger().reserve(ReserveRequest.of(accountId, featureKey).withQuantity(2)).hold().holdId();
        String released = ledger().reserve(ReserveRequest.of(accountId, featureKey)).hold().holdId();
        ledger().pauseAccount(accountId);

        CommitResult commit = ledger().commit(committed);
        ledger().release(released);

        assertEquals(20, commit.creditsCharged());
        Balance balance = balance(accountId);
        assertEquals(80, balance.total());
        assertEquals(0, balance.held());
        assertEquals(80, balance.available());
    }

    @Test
    default void resumeAccountRestoresSpending() {
        String accountId = openFunded(100);
        String featureKey = feature("image", 10);
        ledger().pauseAccount(accountId);
        assertEquals(RejectionReason.ACCOUNT_PAUSED, ledger().deductCredits(accountId, featureKey).reason());

        Account resumed = ledger().resumeAccount(accountId);

        assertEquals(AccountStatus.ACTIVE, resumed.status());
        assertTrue(ledger().checkCredits(accountId, featureKey).hasEnough());
        assertTrue(ledger().deductCredits(accountId, featureKey).success());
        assertTrue(ledger().reserve(ReserveRequest.of(accountId, featureKey)).success());
        assertEquals(80, available(accountId));
        AccountState before = state(accountId);
        assertEquals(before.account(), ledger().resumeAccount(accountId), "resuming an active account changed it");
        assertUnchanged(before, accountId);
    }

    @Test
    default void updateAccountSettingsChangesOverdraftLimitAndThreshold() {
        String accountId = openFunded(10);
        String featureKey = feature("image", 15);
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, ledger().deductCredits(accountId, featureKey).reason());
        advance(Duration.ofSeconds(5));

        Account updated = ledger().updateAccountSettings(accountId, new AccountSettings(10, 7));

        assertEquals(10, updated.overdraftLimit());
        assertEquals(7, updated.lowBalanceThreshold());
        assertEquals(now(), updated.updatedAt());
        assertEquals(updated, ledger().getAccount(accountId).orElseThrow());
        assertEquals(10, balance(accountId).overdraftLimit());
        assertTrue(ledger().deductCredits(accountId, featureKey).success(), "the new overdraft limit is not used");
        assertEquals(-5, available(accountId));
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, ledger().deductCredits(accountId, featureKey).reason());
    }

    @Test
    default void statusAndSettingsChangesAdvanceTheSequence() {
        String accountId = openAccount();
        long start = sequence(accountId);

        Account paused = ledger().pauseAccount(accountId);
        Account resumed = ledger().resumeAccount(accountId);
        Account updated = ledger().updateAccountSettings(accountId, new AccountSettings(3, 3));

        assertEquals(start + 1, paused.sequence());
        assertEquals(start + 2, resumed.sequence());
        assertEquals(start + 3, updated.sequence());
        assertEquals(start + 3, sequence(accountId));
    }

    @Test
    default void theOverdraftLimitCannotBeLoweredBelowTheOverdraftInUse() {
        String accountId = openAccountWithOverdraft(100);
        deductOk(accountId, feature("render", 1), 60);
        assertEquals(-60, available(accountId));

        assertThrowsUnchanged(InvalidArgumentException.class, accountId, () -> ledger().updateAccountSettings(accountId,
                AccountSettings.DEFAULTS.withOverdraftLimit(59)));

        assertEquals(60, ledger().updateAccountSettings(accountId, AccountSettings.DEFAULTS.withOverdraftLimit(60))
                .overdraftLimit());
        assertInvariants(accountId);
    }
}
