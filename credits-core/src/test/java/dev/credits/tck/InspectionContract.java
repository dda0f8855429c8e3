package dev.credits.tck;

import dev.credits.AccountSettings;
import dev.credits.Changes;
import dev.credits.CommitResult;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.Explanation;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.Hold;
import dev.credits.HoldStatus;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Plan;
import dev.credits.RejectionReason;
import dev.credits.ReleaseResult;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import dev.credits.UnknownAccountException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inspection reads: changes after a sequence number, holds in flight, and explaining a spend. */
public interface InspectionContract extends CommerceFixture {

    @Test
    default void changesSinceASequenceAreTheLaterEntriesAscendingWithTheHoldsInFlight() {
        String key = feature("sync", 10);
        String accountId = openFunded(100);
        long seen = sequence(accountId);
        DeductionResult first = deductOk(accountId, key, 1);
        ReservationResult held = ledger().reserve(ReserveRequest.of(accountId, key));
        DeductionResult second = deductOk(accountId, key, 2);

        Changes changes = ledger().inspection().changesSince(accountId, seen);

        assertEquals(List.of(first.transactionId(), second.transactionId()),
                changes.entries().stream().map(LedgerEntry::transactionId).toList());
        assertTrue(changes.entries().stream().allMatch(entry -> entry.sequence() > seen));
        assertEquals(List.of(held.hold().holdId()), changes.holds().stream().map(Hold::holdId).toList());
        assertEquals(HoldStatus.OPEN, changes.holds().get(0).status());
        assertEquals(held.sequence(), changes.holds().get(0).changedAtSequence());
        assertEquals(sequence(accountId), changes.lastSequence());
        assertEquals(sequence(accountId), changes.accountSequence());
        assertFalse(changes.hasMore());
        Changes none = ledger().inspection().changesSince(accountId, changes.lastSequence());
        assertTrue(none.entries().isEmpty());
        assertEquals(changes.lastSequence(), none.lastSequence());
    }

    @Test
    default void changesComeInBoundedBatchesThatCoverEverythingOnce() {
        String key = feature("sync", 1);
        String accountId = openFunded(100);
        for (int i = 0; i < 7; i++) {
            deductOk(accountId, key, 1);
            ledger().release(ledger().reserve(ReserveRequest.of(accountId, key)).hold().holdId());
        }
        List<LedgerEntry> all = LedgerInvariants.allEntries(ledger(), accountId);

        List<LedgerEntry> seen = new java.util.ArrayList<>();
        long since = 0;
        int batches = 0;
        Changes batch;
        do {
            batch = ledger().inspection().changesSince(accountId, since, 3);
            assertTrue(batch.entries().size() <= 3);
            seen.addAll(batch.entries());
            assertTrue(batch.lastSequence() > since || !batch.hasMore());
            since = batch.lastSequence();
            batches++;
        } while (batch.hasMore());

        List<String> oldestFirst = new java.util.ArrayList<>(all.stream().map(LedgerEntry::transactionId).toList());
        java.util.Collections.reverse(oldestFirst);
        assertEquals(oldestFirst,
                seen.stream().map(LedgerEntry::transactionId).toList(), "every entry once, oldest first");
        assertEquals(sequence(accountId), since);
        assertTrue(batches >= 2);
    }

    @Test
    default void holdChangesAfterASequenceComeAscendingWithTheirLastChange() {
        String key = feature("sync", 5);
        String accountId = openFunded(100);
        Hold committed = reserveOk(accountId, key, Duration.ofHours(1));
        Hold released = reserveOk(accountId, key, Duration.ofHours(1));
        Hold lapsing = reserveOk(accountId, key, Duration.ofMinutes(1));
        Hold untouched = reserveOk(accountId, key, Duration.ofHours(1));
        long seen = sequence(accountId);
        ledger().deductCredits(dev.credits.DeductRequest.of(accountId, key)); // an entry, no hold change
        advance(Duration.ofMinutes(2));
        // The commit's unit of work also releases the hold past its deadline: both changed at its sequence number.
        CommitResult commit = ledger().commit(committed.holdId());
        assertEquals(commit.sequence(), commit.hold().changedAtSequence());
        ReleaseResult release = ledger().release(released.holdId());
        assertEquals(release.sequence(), release.hold().changedAtSequence());
        ReservationResult placed = ledger().reserve(ReserveRequest.of(accountId, key));
        assertEquals(placed.sequence(), placed.hold().changedAtSequence());

        Changes changes = ledger().inspection().changesSince(accountId, seen);

        assertEquals(List.of(committed.holdId(), lapsing.holdId(), released.holdId(), placed.hold().holdId()),
                changes.holds().stream().map(Hold::holdId).toList(), "by last change (then oldest first)");
        assertEquals(List.of(HoldStatus.COMMITTED, HoldStatus.EXPIRED, HoldStatus.RELEASED, HoldStatus.OPEN),
                changes.holds().stream().map(Hold::status).toList());
        assertEquals(List.of(commit.sequence(), commit.sequence(), release.sequence(), placed.sequence()),
                changes.holds().stream().map(Hold::changedAtSequence).toList());
        assertTrue(changes.holds().stream().noneMatch(hold -> hold.holdId().equals(untouched.holdId())),
                "changed before the sequence asked after");
        assertEquals(List.of(commit.sequence(), release.sequence(), placed.sequence()),
                ledger().inspection().changesSince(accountId, seen + 1).holds().stream()
                        .map(Hold::changedAtSequence).distinct().toList());
        assertTrue(ledger().inspection().changesSince(accountId, placed.sequence()).holds().isEmpty());
        assertEquals(placed.sequence(), ledger().getHold(placed.hold().holdId()).orElseThrow().changedAtSequence(),
                "as stored");
    }

    @Test
    default void holdChangesComeInTheBatchOfTheirLastChangeOnce() {
        String key = feature("sync", 1);
        String accountId = openFunded(100);
        List<String> holds = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Hold hold = reserveOk(accountId, key, Duration.ofHours(1));
            holds.add(hold.holdId());
            if (i % 2 == 0) {
                ledger().commit(hold.holdId());
            }
        }
        List<Hold> seen = new java.util.ArrayList<>();
        long since = 0;
        Changes batch;
        do {
            batch = ledger().inspection().changesSince(accountId, since, 2);
            for (Hold hold : batch.holds()) {
                assertTrue(hold.changedAtSequence() > since && hold.changedAtSequence() <= batch.lastSequence(),
                        "inside its batch");
            }
            seen.addAll(batch.holds());
            since = batch.lastSequence();
        } while (batch.hasMore());

        assertEquals(holds.size(), seen.size(), "each hold once");
        assertEquals(new java.util.HashSet<>(holds), new java.util.HashSet<>(seen.stream().map(Hold::holdId).toList()));
        for (Hold hold : seen) {
            assertEquals(ledger().getHold(hold.holdId()).orElseThrow(), hold, "as its last change left it");
        }
        List<Long> order = seen.stream().map(Hold::changedAtSequence).toList();
        assertEquals(order.stream().sorted().toList(), order, "ascending");
    }

    /** Reserves, then moves the clock a second on, so holds placed one after another are older one by one. */
    private Hold reserveOk(String accountId, String key, Duration timeout) {
        ReservationResult result = ledger().reserve(ReserveRequest.of(accountId, key).withTimeout(timeout));
        assertTrue(result.success(), () -> "reserve: " + result.reason());
        advance(Duration.ofSeconds(1));
        return result.hold();
    }

    @Test
    default void changesSinceRejectsBadArguments() {
        String accountId = openAccount();
        assertThrows(InvalidArgumentException.class, () -> ledger().inspection().changesSince(accountId, -1));
        assertThrows(InvalidArgumentException.class, () -> ledger().inspection().changesSince(accountId, 0, 0));
        assertThrows(InvalidArgumentException.class, () -> ledger().inspection().changesSince(accountId, 0, 1001));
        assertThrows(UnknownAccountException.class, () -> ledger().inspection().changesSince(newAccountId(), 0));
    }

    @Test
    default void openHoldsAreTheHoldsInFlight() {
        String key = feature("hold", 5);
        String accountId = openFunded(100);
        Hold first = ledger().reserve(ReserveRequest.of(accountId, key)).hold();
        advance(Duration.ofSeconds(1));
        Hold second = ledger().reserve(ReserveRequest.of(accountId, key).withTimeout(Duration.ofHours(1))).hold();
        Hold committed = ledger().reserve(ReserveRequest.of(accountId, key)).hold();
        ledger().commit(committed.holdId());

        assertEquals(List.of(first.holdId(), second.holdId()),
                ledger().inspection().openHolds(accountId).stream().map(Hold::holdId).toList());
        advance(Duration.ofMinutes(10));
        assertEquals(List.of(second.holdId()),
                ledger().inspection().openHolds(accountId).stream().map(Hold::holdId).toList(),
                "a hold past its deadline is no longer in flight");
    }

    @Test
    default void explainShowsThePriceItsSourceTheLotsThatWouldPayAndTheHoldsInFlight() {
        String plan = uniqueId("pro");
        ledger().plans().savePlan(Plan.of(plan, "Pro", 0));
        String key = newFeatureKey("staging");
        ledger().createFeaturePricing(FeatureDefinition.of(key, "Staging", 20).withPlanPrice(plan, 15));
        String accountId = openAccount();
        ledger().plans().assignPlan(accountId, plan);
        String early = ledger().grant(GrantRequest.of(accountId, 10).withPriority(1)).lot().lotId();
        String late = ledger().grant(GrantRequest.of(accountId, 50)).lot().lotId();
        Hold held = ledger().reserve(ReserveRequest.of(accountId, key)).hold();

        Explanation why = ledger().inspection().explain(accountId, key, 2);

        assertEquals(15, why.unitPrice());
        assertEquals(plan, why.pricePlanId());
        assertEquals(30, why.required());
        assertEquals(45, why.available());
        assertEquals(List.of(early, late), why.lots().stream().map(share -> share.lot().lotId()).toList());
        assertEquals(List.of(0L, 30L), why.lots().stream().map(Explanation.LotShare::wouldPay).toList(),
                "the first lot is all held");
        assertEquals(List.of(held.holdId()), why.holds().stream().map(Hold::holdId).toList());
        assertNull(why.rejection());
        assertNull(why.holdRejection());
        assertEquals(plan, why.planId());
    }

    @Test
    default void explainNamesTheRuleThatWouldRefuse() {
        String key = feature("costly", 10);
        String accountId = openFunded(15);
        ledger().updateAccountSettings(accountId, AccountSettings.DEFAULTS.withMaxOpenHolds(1));
        ledger().reserve(ReserveRequest.of(accountId, key));
        AccountState before = state(accountId);

        assertEquals(RejectionReason.INSUFFICIENT_CREDITS, ledger().inspection().explain(accountId, key).rejection());
        String cheap = feature("cheap", 1);
        assertEquals(RejectionReason.TOO_MANY_OPEN_HOLDS,
                ledger().inspection().explain(accountId, cheap).holdRejection());
        assertNull(ledger().inspection().explain(accountId, cheap).rejection());
        ledger().pauseAccount(accountId);
        assertEquals(RejectionReason.ACCOUNT_PAUSED, ledger().inspection().explain(accountId, cheap).rejection());
        ledger().resumeAccount(accountId);
        assertEquals(RejectionReason.UNKNOWN_FEATURE,
                ledger().inspection().explain(accountId, newFeatureKey("missing")).rejection());
        String free = uniqueId("free");
        ledger().plans().savePlan(Plan.of(free, "Free", 0).withCreditAccess("credits", false, false));
        ledger().plans().assignPlan(accountId, free);
        assertEquals(RejectionReason.PLAN_CANNOT_SPEND_CREDIT_TYPE,
                ledger().inspection().explain(accountId, cheap).rejection());
        assertEquals(before.entries(), entries(accountId), "explaining wrote nothing");
        assertEquals(EntryType.GRANT, entries(accountId).get(entries(accountId).size() - 1).type());
    }
}
