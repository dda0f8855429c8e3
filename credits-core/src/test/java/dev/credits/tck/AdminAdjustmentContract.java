package dev.credits.tck;

import dev.credits.Actor;
import dev.credits.AdjustmentResult;
import dev.credits.Allocation;
import dev.credits.CreditAdjustment;
import dev.credits.CreditLedger;
import dev.credits.EntryType;
import dev.credits.GrantRequest;
import dev.credits.GrantResult;
import dev.credits.IdempotencyConflictException;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.LotSource;
import dev.credits.Receipt;
import dev.credits.RejectionReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An administrator's adjustments ({@code ledger.admin()}): removing and adding credits with an actor and a reason. */
public interface AdminAdjustmentContract extends ContractFixture {

    Actor ADMIN = Actor.of("admin:42", "ticket 881");

    private CreditLedger admin() {
        return ledger().actingAs(ADMIN);
    }

    @Test
    default void removingCreditsTakesThemFromTheLotsInBurnDownOrderWithAReceiptEvenWhenPaused() {
        String accountId = openAccount();
        GrantResult soon = grantExpiring(accountId, 10, now().plus(Duration.ofDays(10)));
        GrantResult later = grant(accountId, 20);
        ledger().pauseAccount(accountId);

        AdjustmentResult removed = admin().admin().removeCredits(CreditAdjustment.of(accountId, 15, "duplicate grant"));

        assertTrue(removed.success());
        assertEquals(15, removed.creditsRemoved());
        assertEquals(0, removed.debt());
        assertEquals(15, removed.available());
        assertEquals(List.of(new Allocation(removed.transactionId(), 0, soon.lot().lotId(), -10),
                new Allocation(removed.transactionId(), 1, later.lot().lotId(), -5)), removed.receipt());
        Receipt receipt = ledger().receipt(removed.transactionId());
        assertEquals(removed.receipt(), receipt.allocations());
        LedgerEntry entry = receipt.entry();
        assertEquals(EntryType.ADJUSTMENT, entry.type());
        assertEquals(-15, entry.amount());
        assertEquals("duplicate grant", entry.reason());
        assertEquals(ADMIN, entry.actor());
        assertEquals(removed.sequence(), entry.sequence());
        assertInvariants(accountId);
    }

    @Test
    default void aRemovalPastTheOverdraftLimitIsRejectedUnlessDebtIsAllowed() {
        String accountId = openAccountWithOverdraft(3);
        grant(accountId, 5);

        AccountState before = state(accountId);
        AdjustmentResult refused = admin().admin().removeCredits(CreditAdjustment.of(accountId, 10, "too much"));
        assertFalse(refused.success());
        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, refused.reason());
        assertEquals(5, refused.available());
        assertUnchanged(before, accountId);

        AdjustmentResult withinLimit = admin().admin().removeCredits(CreditAdjustment.of(accountId, 8, "within"));
        assertTrue(withinLimit.success());
        assertEquals(3, withinLimit.debt());
        assertEquals(-3, available(accountId));

        AdjustmentResult debt = admin().admin().removeCredits(CreditAdjustment.of(accountId, 4, "chargeback fee")
                .allowingDebt());
        assertTrue(debt.success());
        assertEquals(4, debt.debt());
        assertEquals(-7, debt.available());
        assertEquals(-7, available(accountId));

        grant(accountId, 10); // pays the debt first
        assertEquals(3, available(accountId));
        assertInvariants(accountId);
    }

    @Test
    default void aRemovalWithAnIdempotencyKeyHappensOnce() {
        String accountId = openFunded(50);
        CreditAdjustment request = CreditAdjustment.of(accountId, 20, "refund by hand").withIdempotencyKey("adj-1");

        AdjustmentResult first = admin().admin().removeCredits(request);
        AdjustmentResult again = admin().admin().removeCredits(request);

        assertFalse(first.replayed());
        assertTrue(again.replayed());
        assertEquals(first.transactionId(), again.transactionId());
        assertEquals(first.receipt(), again.receipt());
        assertEquals(30, available(accountId));
        assertThrowsUnchanged(IdempotencyConflictException.class, accountId,
                () -> admin().admin().removeCredits(CreditAdjustment.of(accountId, 21, "refund by hand")
                        .withIdempotencyKey("adj-1")));
        assertInvariants(accountId);
    }

    @Test
    default void adjustmentsNeedAnActorAndAReason() {
        String accountId = openFunded(50);
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> ledger().admin().removeCredits(CreditAdjustment.of(accountId, 5, "no actor")));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> admin().admin().removeCredits(CreditAdjustment.of(accountId, 5, " ")));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> admin().admin().removeCredits(CreditAdjustment.of(accountId, 0, "zero")));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> ledger().admin().addCredits(GrantRequest.of(accountId, 5).withReason("no actor")));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> admin().admin().addCredits(GrantRequest.of(accountId, 5)));
        assertThrowsUnchanged(InvalidArgumentException.class, accountId,
                () -> admin().admin().addCredits(GrantRequest.of(accountId, 5).withReason("bought")
                        .withSource(LotSource.PURCHASE)));
    }

    @Test
    default void addingCreditsWorksOnAPausedAccountAndRecordsTheActor() {
        String accountId = openAccount();
        ledger().pauseAccount(accountId);
        GrantResult added = admin().admin().addCredits(GrantRequest.of(accountId, 1000)
                .withReason("Bonus credits for early adopter"));
        assertEquals(1000, available(accountId));
        LedgerEntry entry = ledger().receipt(added.transactionId()).entry();
        assertEquals(ADMIN, entry.actor());
        assertEquals(LotSource.ADMIN, added.lot().source());
        assertInvariants(accountId);
    }
}
