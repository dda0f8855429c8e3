package dev.credits.tck;

import dev.credits.AccountSettings;
import dev.credits.CreditEvent;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.EntryType;
import dev.credits.EventDispatcher;
import dev.credits.EventPayload;
import dev.credits.EventType;
import dev.credits.GrantRequest;
import dev.credits.IdempotencyConflictException;
import dev.credits.InvalidArgumentException;
import dev.credits.LeaseLostException;
import dev.credits.Plan;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import dev.credits.UnknownConsumerException;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.EventChanges;
import dev.credits.spi.EventRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events (DESIGN invariant 10): an event exists if and only if its change committed; alerts with hysteresis; expiry
 * notices once per lot; consumers that resume, hold a lease, and never skip an event that commits late.
 */
public interface EventContract extends ContractFixture {

    private List<CreditEvent> eventsOf(CreditLedger ledger, String accountId) {
        return ledger.events().readAccount(accountId, 0, 10_000);
    }

    private List<CreditEvent> eventsOf(String accountId) {
        return eventsOf(ledger(), accountId);
    }

    private List<EventType> typesOf(String accountId) {
        return eventsOf(accountId).stream().map(CreditEvent::type).toList();
    }

    /** @return the alert events of the account (entries left out) */
    private List<EventType> alertsOf(String accountId) {
        return eventsOf(accountId).stream().map(CreditEvent::type).filter(type -> type != EventType.ENTRY_POSTED)
                .toList();
    }

    private static String newConsumer() {
        return "consumer-" + UUID.randomUUID();
    }

    /** Polls and acknowledges until nothing is left; @return the events of {@code accountId} it saw */
    private static List<CreditEvent> drain(CreditLedger ledger, String consumer, String accountId) {
        List<CreditEvent> seen = new ArrayList<>();
        while (true) {
            List<CreditEvent> batch = ledger.events().poll(consumer, 500);
            if (batch.isEmpty()) {
                return seen;
            }
            for (CreditEvent event : batch) {
                if (event.accountId().equals(accountId)) {
                    seen.add(event);
                }
            }
            ledger.events().acknowledge(consumer, batch.get(batch.size() - 1).position());
        }
    }

    // ---------------------------------------------------------------- exactly when the change commits

    @Test
    default void everyPostedEntryHasItsEventAndARejectedCallHasNone() {
        String accountId = openAccount();
        String feature = feature("text", 10);
        String grant = grant(accountId, 25).lot().transactionId();
        DeductionResult deducted = deductOk(accountId, feature, 2);
        List<CreditEvent> events = eventsOf(accountId);
        assertEquals(List.of(EventType.ENTRY_POSTED, EventType.ENTRY_POSTED), events.stream().map(CreditEvent::type)
                .toList());
        EventPayload.EntryPosted first = (EventPayload.EntryPosted) events.get(0).payload();
        assertEquals(new EventPayload.EntryPosted(grant, EntryType.GRANT, 25, 25, null, null), first);
        assertEquals(new EventPayload.EntryPosted(deducted.transactionId(), EntryType.DEDUCTION, -20, 5, feature,
                null), events.get(1).payload());
        assertEquals(deducted.sequence(), events.get(1).accountSequence());
        assertEquals(START, events.get(1).occurredAt());
        assertEquals(CreditLedger.DEFAULT_CREDIT_TYPE, events.get(1).creditType());

        // Rejected (short balance), invalid, and a conflicting idempotency key: no event.
        assertFalse(ledger().deductCredits(DeductRequest.of(accountId, feature).withQuantity(1)).success());
        assertThrows(InvalidArgumentException.class, () -> ledger().grant(GrantRequest.of(accountId, -1)));
        ledger().grant(GrantRequest.of(accountId, 5).withIdempotencyKey("k1"));
        int before = eventsOf(accountId).size();
        assertThrows(IdempotencyConflictException.class,
                () -> ledger().grant(GrantRequest.of(accountId, 6).withIdempotencyKey("k1")));
        ledger().grant(GrantRequest.of(accountId, 5).withIdempotencyKey("k1")); // a replay changes nothing
        assertEquals(before, eventsOf(accountId).size());
    }

    @Test
    default void aUnitOfWorkThatFailsAfterWritingLeavesNoEvent() {
        String accountId = openFunded(10);
        int before = eventsOf(accountId).size();
        assertThrows(IllegalStateException.class, () -> store().inAccount(accountId, tx -> {
            var account = tx.snapshot(now(), null, null).account();
            EventRecord event = new EventRecord(0, UUID.randomUUID().toString(), accountId, account.sequence() + 1, 0,
                    EventType.BALANCE_DEPLETED.name(), "credits", "available=0", now());
            tx.write(new ChangeSet(account.withSequence(account.sequence() + 1), List.of(), List.of(), List.of(),
                    List.of(), List.of(), List.of(), List.of(), null, List.of(), List.of(),
                    new EventChanges(List.of(event), List.of(), List.of())));
            throw new IllegalStateException("the host's work failed");
        }));
        assertEquals(before, eventsOf(accountId).size(), "an event of a rolled back unit of work was kept");
        assertEquals(1, sequence(accountId));
    }

    @Test
    default void purchasesHoldsPeriodsAndExpiriesAnnounceThemselves() {
        String accountId = openAccount();
        CreditLedger shop = newLedger(builder -> builder.purchasePolicy(CommerceFixture.STANDARD_POLICY));
        PurchaseResult pending = shop.commerce().purchase(PurchaseRequest.ofCredits(accountId, 60)
                .withPending(true));
        PurchaseResult failing = shop.commerce().purchase(PurchaseRequest.ofCredits(accountId, 50)
                .withPending(true));
        assertTrue(alertsOf(accountId).isEmpty(), "a pending purchase announces nothing yet");
        PurchaseResult completed = ledger().commerce().completePurchase(pending.purchase().purchaseId());
        ledger().commerce().failPurchase(failing.purchase().purchaseId(), "card declined");
        ledger().commerce().completePurchase(pending.purchase().purchaseId()); // a replay: no second event

        String feature = feature("job", 5);
        ReservationResult hold = ledger().reserve(ReserveRequest.of(accountId, feature)
                .withTimeout(Duration.ofMinutes(1)));
        assertTrue(hold.success());
        grantExpiring(accountId, 7, START.plus(Duration.ofHours(1)));
        advance(Duration.ofHours(2));
        ledger().expireDue();

        String planId = "plan-" + UUID.randomUUID();
        ledger().plans().savePlan(Plan.of(planId, "Plan", 100));
        ledger().plans().assignPlan(accountId, planId);
        Instant start = now();
        ledger().plans().startPeriod(accountId, start, start.plus(Duration.ofDays(30)));

        List<CreditEvent> events = eventsOf(accountId);
        List<EventPayload> alerts = events.stream().map(CreditEvent::payload)
                .filter(payload -> !(payload instanceof EventPayload.EntryPosted)).toList();
        assertEquals(List.of(
                new EventPayload.PurchaseCompleted(pending.purchase().purchaseId(), 60, completed.lot().lotId()),
                new EventPayload.PurchaseFailed(failing.purchase().purchaseId(), "card declined"),
                new EventPayload.HoldExpired(hold.hold().holdId(), 5),
                new EventPayload.CreditsExpired(lotIdOf(events, 7), 7, expiryTransactionOf(events)),
                new EventPayload.PeriodStarted(planId, start, start.plus(Duration.ofDays(30)))), alerts);
        // Entries: grant 60, grant 7, expiry -7, allowance 100.
        assertEquals(List.of(60L, 7L, -7L, 100L), events.stream().map(CreditEvent::payload)
                .filter(payload -> payload instanceof EventPayload.EntryPosted)
                .map(payload -> ((EventPayload.EntryPosted) payload).amount()).toList());
    }

    private static String lotIdOf(List<CreditEvent> events, long amount) {
        return events.stream().map(CreditEvent::payload).filter(p -> p instanceof EventPayload.CreditsExpired)
                .map(p -> ((EventPayload.CreditsExpired) p).lotId()).findFirst().orElseThrow();
    }

    private static String expiryTransactionOf(List<CreditEvent> events) {
        return events.stream().map(CreditEvent::payload).filter(p -> p instanceof EventPayload.EntryPosted)
                .map(p -> (EventPayload.EntryPosted) p).filter(p -> p.entryType() == EntryType.EXPIRY)
                .map(EventPayload.EntryPosted::transactionId).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- alerts

    @Test
    default void lowBalanceAlertsHaveHysteresisAndDepletionIsAnnounced() {
        CreditLedger ledger = newLedger(builder -> builder.lowBalanceRecoveryMargin(10));
        String accountId = newAccountId();
        ledger.openAccount(accountId, AccountSettings.DEFAULTS.withLowBalanceThreshold(20));
        String feature = feature("unit", 1);
        ledger.grant(GrantRequest.of(accountId, 100));
        assertTrue(alertsOf(accountId).isEmpty());

        spend(ledger, accountId, feature, 85);   // 15: down through the line
        assertEquals(List.of(EventType.BALANCE_LOW), alertsOf(accountId));
        assertEquals(new EventPayload.BalanceLow(15, 20), lastAlert(accountId));
        spend(ledger, accountId, feature, 3);    // 12: still low, nothing new
        ledger.grant(GrantRequest.of(accountId, 10)); // 22: above the line, inside the margin (hover)
        spend(ledger, accountId, feature, 4);    // 18: below again, still the same low state
        ledger.grant(GrantRequest.of(accountId, 10)); // 28: hovering
        assertEquals(List.of(EventType.BALANCE_LOW), alertsOf(accountId), "a hovering balance must not flap");

        ledger.grant(GrantRequest.of(accountId, 7)); // 35 > 20 + 10: recovered
        assertEquals(new EventPayload.BalanceRecovered(35, 20), lastAlert(accountId));
        spend(ledger, accountId, feature, 10);   // 25: inside the margin, not low
        assertEquals(List.of(EventType.BALANCE_LOW, EventType.BALANCE_RECOVERED), alertsOf(accountId));

        spend(ledger, accountId, feature, 15);   // 10: down again
        spend(ledger, accountId, feature, 10);   // 0: depleted, no second low
        assertEquals(List.of(EventType.BALANCE_LOW, EventType.BALANCE_RECOVERED, EventType.BALANCE_LOW,
                EventType.BALANCE_DEPLETED), alertsOf(accountId));
        assertEquals(new EventPayload.BalanceDepleted(0), lastAlert(accountId));
    }

    @Test
    default void alertsAreKeptPerCreditTypeWithTheLedgerDefaultThreshold() {
        CreditLedger ledger = newLedger(builder -> builder.lowBalanceThreshold(50));
        String accountId = newAccountId();
        ledger.openAccount(accountId);
        ledger.grant(GrantRequest.of(accountId, 100));
        ledger.grant(GrantRequest.of(accountId, 100).withCreditType("voice"));
        String call = feature("call", 1, "voice");
        spend(ledger, accountId, call, 60); // voice 40: low; credits untouched
        List<CreditEvent> alerts = eventsOf(accountId).stream().filter(e -> e.type() != EventType.ENTRY_POSTED)
                .toList();
        assertEquals(1, alerts.size());
        assertEquals("voice", alerts.get(0).creditType());
        assertEquals(new EventPayload.BalanceLow(40, 50), alerts.get(0).payload());
    }

    private static void spend(CreditLedger ledger, String accountId, String feature, long credits) {
        assertTrue(ledger.deductCredits(DeductRequest.of(accountId, feature).withQuantity(credits)).success());
    }

    private EventPayload lastAlert(String accountId) {
        List<CreditEvent> events = eventsOf(accountId);
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).type() != EventType.ENTRY_POSTED) {
                return events.get(i).payload();
            }
        }
        throw new AssertionError("no alert");
    }

    // ---------------------------------------------------------------- expiry notices

    @Test
    default void creditsExpiringSoonAreAnnouncedOncePerLotAndNotWhenSpent() {
        CreditLedger ledger = newLedger(builder -> builder.expiryNotice(Duration.ofDays(7)));
        String accountId = openAccount();
        String feature = feature("unit", 1);
        String spentLot = ledger.grant(GrantRequest.of(accountId, 10).withExpiresAt(START.plus(Duration.ofDays(10))))
                .lot().lotId();
        String lot = ledger.grant(GrantRequest.of(accountId, 100).withExpiresAt(START.plus(Duration.ofDays(30))))
                .lot().lotId();
        spend(ledger, accountId, feature, 10); // the earliest expiry goes first: spentLot is empty
        ledger.expireDue();
        advance(Duration.ofDays(4));           // spentLot would be within its notice period now
        ledger.expireDue();
        assertTrue(alertsOf(accountId).isEmpty(), "a lot spent to zero is not announced: " + alertsOf(accountId));

        advance(Duration.ofDays(20));          // day 24: lot expires in 6 days
        ledger.expireDue();
        ledger.expireDue();
        advance(Duration.ofDays(2));
        ledger.expireDue();
        assertEquals(List.of(new EventPayload.CreditsExpiringSoon(lot, 100, START.plus(Duration.ofDays(30)))),
                eventsOf(accountId).stream().filter(e -> e.type() == EventType.CREDITS_EXPIRING_SOON)
                        .map(CreditEvent::payload).toList());
        advance(Duration.ofDays(5));           // day 31
        ledger.expireDue();
        assertEquals(List.of(EventType.CREDITS_EXPIRING_SOON, EventType.CREDITS_EXPIRED, EventType.BALANCE_DEPLETED),
                alertsOf(accountId));
        assertFalse(spentLot.equals(lot));
    }

    // ---------------------------------------------------------------- consumers

    @Test
    default void aConsumerResumesAfterWhatItAcknowledged() {
        String consumer = newConsumer();
        ledger().events().createConsumerAtEnd(consumer);
        String accountId = openFunded(10);
        grant(accountId, 5);
        List<CreditEvent> first = drain(ledger(), consumer, accountId);
        assertEquals(2, first.size());
        grant(accountId, 1);
        ledger().events().release(consumer); // the node stops; another one (or this one restarted) takes over
        List<CreditEvent> next = drain(newLedger(), consumer, accountId);
        assertEquals(1, next.size(), "a new ledger (a restart) resumes after the cursor");
        assertTrue(next.get(0).position() > first.get(1).position());
        assertEquals(eventsOf(accountId).stream().map(CreditEvent::eventId).toList(),
                List.of(first.get(0).eventId(), first.get(1).eventId(), next.get(0).eventId()));
    }

    @Test
    default void aConsumerKilledBeforeAcknowledgingGetsTheEventsAgain() {
        String consumer = newConsumer();
        ledger().events().createConsumerAtEnd(consumer);
        String accountId = openFunded(10);
        grant(accountId, 5);
        CreditLedger crashed = newLedger();
        List<CreditEvent> delivered = pollAll(crashed, consumer, accountId);
        assertEquals(2, delivered.size());
        // The node dies without acknowledging. Another node waits for its lease to lapse, then gets them again.
        CreditLedger survivor = newLedger();
        assertTrue(survivor.events().poll(consumer, 100).isEmpty(), "the lease of the dead node still holds");
        advance(Duration.ofSeconds(31));
        assertEquals(delivered, pollAll(survivor, consumer, accountId));
        survivor.events().acknowledge(consumer, survivor.events().latestPosition());
        assertThrows(LeaseLostException.class, () -> crashed.events().acknowledge(consumer, 1));
        assertTrue(drain(survivor, consumer, accountId).isEmpty());
    }

    /** @return the account's events in one poll's worth of batches, without acknowledging */
    private static List<CreditEvent> pollAll(CreditLedger ledger, String consumer, String accountId) {
        return ledger.events().poll(consumer, 10_000).stream().filter(e -> e.accountId().equals(accountId)).toList();
    }

    @Test
    default void twoNodesRunningOneConsumerNeverHandleAnEventAtTheSameTimeAndTogetherSeeAll() throws Exception {
        String consumer = newConsumer();
        ledger().events().createConsumerAtEnd(consumer);
        String accountId = openAccount();
        for (int i = 0; i < 100; i++) {
            grant(accountId, 1);
        }
        Set<String> expected = new HashSet<>();
        eventsOf(accountId).forEach(event -> expected.add(event.eventId()));
        Map<String, String> inHand = new ConcurrentHashMap<>();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean overlap = new AtomicBoolean();
        List<CreditLedger> nodes = List.of(newLedger(), newLedger());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (CreditLedger node : nodes) {
                results.add(pool.submit(() -> {
                    int handled = 0;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (!seen.containsAll(expected) && System.nanoTime() < deadline) {
                        List<CreditEvent> batch = node.events().poll(consumer, 7);
                        for (CreditEvent event : batch) {
                            if (inHand.putIfAbsent(event.eventId(), node.toString()) != null) {
                                overlap.set(true);
                            }
                            seen.add(event.eventId());
                            handled++;
                        }
                        if (!batch.isEmpty()) {
                            for (CreditEvent event : batch) {
                                inHand.remove(event.eventId());
                            }
                            node.events().acknowledge(consumer, batch.get(batch.size() - 1).position());
                        }
                        node.events().release(consumer); // hand over, so both nodes take turns
                    }
                    return handled;
                }));
            }
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(90, TimeUnit.SECONDS);
            }
            assertFalse(overlap.get(), "two nodes handled one event at the same time");
            assertTrue(seen.containsAll(expected), "an event was never delivered");
            assertTrue(total >= expected.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void eventsOfOneAccountComeInItsOrderUnderEightConcurrentWriters() throws Exception {
        String accountId = openFunded(1_000_000);
        String feature = feature("unit", 1);
        String consumer = newConsumer();
        ledger().events().createConsumerAtEnd(consumer);
        int threads = 8;
        int perThread = Math.max(20, workloadSize().operationsPerThread() / 20);
        List<CreditLedger> ledgers = List.of(ledger(), newLedger());
        runConcurrently(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                spend(ledgers.get(thread % 2), accountId, feature, 1);
            }
        });
        List<CreditEvent> seen = drain(ledger(), consumer, accountId);
        assertEquals(eventsOf(accountId).size(), seen.size() + 1, "every deduction's event (the grant came before)");
        long lastSequence = 0;
        long lastBalance = -1;
        for (CreditEvent event : seen) {
            assertTrue(event.accountSequence() > lastSequence, "out of the account's order: " + event);
            lastSequence = event.accountSequence();
            long balanceAfter = ((EventPayload.EntryPosted) event.payload()).balanceAfter();
            assertTrue(lastBalance < 0 || balanceAfter == lastBalance - 1, "balance out of order at " + event);
            lastBalance = balanceAfter;
        }
        assertEquals((long) threads * perThread, seen.size());
        assertInvariants(accountId);
    }

    /**
     * The outbox trap: positions taken at insert time commit out of order, so a consumer reading "after my cursor"
     * while writers commit would skip an event whose smaller position commits after a larger one. A consumer polls
     * and acknowledges as fast as it can while 8 threads write to 8 accounts: it must see every event.
     */
    @Test
    default void aConsumerPollingDuringConcurrentCommitsMissesNothing() throws Exception {
        String consumer = newConsumer();
        ledger().events().createConsumerAtEnd(consumer);
        int threads = 8;
        int perThread = Math.max(20, workloadSize().operationsPerThread() / 20);
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            accounts.add(openAccount());
        }
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        CreditLedger reader = newLedger();
        ExecutorService readerThread = Executors.newSingleThreadExecutor();
        Future<Integer> polls = readerThread.submit(() -> {
            int count = 0;
            boolean lastRound = false;
            while (true) {
                boolean done = !writing.get();
                List<CreditEvent> batch = reader.events().poll(consumer, 50);
                count++;
                batch.forEach(event -> seen.add(event.eventId()));
                if (!batch.isEmpty()) {
                    reader.events().acknowledge(consumer, batch.get(batch.size() - 1).position());
                } else if (lastRound) {
                    return count;
                } else if (done) {
                    lastRound = true;
                }
            }
        });
        try {
            runConcurrently(threads, thread -> {
                for (int i = 0; i < perThread; i++) {
                    grant(accounts.get(thread), 1);
                }
            });
            writing.set(false);
            polls.get(120, TimeUnit.SECONDS);
        } finally {
            writing.set(false);
            readerThread.shutdownNow();
        }
        List<String> missed = new ArrayList<>();
        for (String accountId : accounts) {
            List<CreditEvent> events = eventsOf(accountId);
            assertEquals(perThread, events.size());
            events.stream().filter(event -> !seen.contains(event.eventId())).forEach(e -> missed.add(e.eventId()));
        }
        assertTrue(missed.isEmpty(), "the consumer skipped " + missed.size() + " events that committed late");
    }

    /** Runs {@code body(thread)} on {@code threads} threads started together; fails with the first failure. */
    private static void runConcurrently(int threads, java.util.function.IntConsumer body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    body.accept(thread);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void theDispatcherRedeliversWhatItsListenerFailedAndStopsCleanly() throws Exception {
        String consumer = newConsumer();
        String other = newConsumer();
        ledger().events().createConsumerAtEnd(consumer);
        ledger().events().createConsumerAtEnd(other);
        String accountId = openFunded(10);
        grant(accountId, 5);
        grant(accountId, 6);
        Set<String> expected = new HashSet<>();
        eventsOf(accountId).forEach(event -> expected.add(event.eventId()));
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        AtomicInteger failuresLeft = new AtomicInteger(2);
        Set<String> otherSeen = ConcurrentHashMap.newKeySet();
        try (EventDispatcher failing = ledger().events().dispatcher(consumer, event -> {
            if (!event.accountId().equals(accountId)) {
                return;
            }
            deliveries.merge(event.eventId(), 1, Integer::sum);
            if (((EventPayload.EntryPosted) event.payload()).amount() == 5 && failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("mail server down");
            }
        }).pollInterval(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(20)).start();
             EventDispatcher healthy = ledger().events().dispatcher(other, event -> otherSeen.add(event.eventId()))
                     .pollInterval(Duration.ofMillis(5)).start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((!deliveries.keySet().containsAll(expected) || !otherSeen.containsAll(expected))
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(failing.failures() >= 2);
            assertEquals(0, healthy.failures());
        }
        assertTrue(otherSeen.containsAll(expected), "a failing listener held up another consumer");
        assertTrue(deliveries.keySet().containsAll(expected));
        Map<Long, Integer> byAmount = new HashMap<>();
        for (CreditEvent event : eventsOf(accountId)) {
            byAmount.put(((EventPayload.EntryPosted) event.payload()).amount(), deliveries.get(event.eventId()));
        }
        assertEquals(1, byAmount.get(10L), "an event handled once was delivered again");
        assertEquals(3, byAmount.get(5L), "the failed event is delivered until handled");
        assertTrue(ledger().events().consumer(consumer).orElseThrow().leaseOwner() == null, "close releases the lease");
    }

    // ---------------------------------------------------------------- bad input

    @Test
    default void consumerCallsRejectBadInputWithTypedErrors() {
        String consumer = newConsumer();
        assertThrows(UnknownConsumerException.class, () -> ledger().events().poll(consumer, 10));
        assertThrows(UnknownConsumerException.class, () -> ledger().events().acknowledge(consumer, 0));
        assertThrows(UnknownConsumerException.class, () -> ledger().events().seek(consumer, 0));
        assertThrows(UnknownConsumerException.class, () -> ledger().events().dispatcher(consumer, event -> { }));
        assertThrows(InvalidArgumentException.class, () -> ledger().events().createConsumer(" "));
        ledger().events().createConsumerAtEnd(consumer);
        assertThrows(InvalidArgumentException.class, () -> ledger().events().poll(consumer, 0));
        assertThrows(InvalidArgumentException.class, () -> ledger().events().poll(consumer, -1));
        assertThrows(InvalidArgumentException.class, () -> ledger().events().read(0, 0));
        long latest = ledger().events().latestPosition();
        assertThrows(InvalidArgumentException.class, () -> ledger().events().seek(consumer, latest + 1000));
        assertThrows(InvalidArgumentException.class, () -> ledger().events().seek(consumer, -1));
        ledger().events().poll(consumer, 10);
        assertThrows(InvalidArgumentException.class, () -> ledger().events().acknowledge(consumer, latest + 1000));
        assertEquals(latest, ledger().events().consumer(consumer).orElseThrow().cursor(), "the cursor moved");
        assertEquals(ledger().events().consumer(consumer).orElseThrow(), ledger().events().createConsumer(consumer),
                "creating an existing consumer changes nothing");
    }
}
