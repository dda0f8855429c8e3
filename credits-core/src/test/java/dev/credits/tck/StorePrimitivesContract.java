package dev.credits.tck;

import dev.credits.Account;
import dev.credits.CreditPackage;
import dev.credits.DisputeStatus;
import dev.credits.FeaturePricing;
import dev.credits.IdempotencyConflictException;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.Promotion;
import dev.credits.Purchase;
import dev.credits.PurchaseStatus;
import dev.credits.spi.CatalogStore;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.PromotionExhaustedException;
import dev.credits.spi.PromotionUse;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's primitives, called directly: the catalog tables ({@link CatalogStore}), the cross-account checks of
 * a write (promotion limits, purchase ids), and the sweep's list of accounts with due items. The ledger decides
 * everything else; these are the only limits a store enforces, so their contract is checked here exactly.
 */
public interface StorePrimitivesContract extends ContractFixture {

    private static String key(String name) {
        return name + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private CatalogStore catalog() {
        return store().catalog();
    }

    // ---------------------------------------------------------------- catalog

    @Test
    default void catalogInsertIsIfAbsentUpdateIfPresentAndDeleteSaysWhetherItExisted() {
        String key = key("cat_feature");
        FeaturePricing first = new FeaturePricing(key, "First", "cat", 5, Map.of("pro", 3L), 1, "credits", "d", true,
                START, START);
        FeaturePricing second = new FeaturePricing(key, "Second", null, 7, Map.of(), 0, "voice", null, false, START,
                START.plusSeconds(1));
        assertEquals(Optional.empty(), catalog().find(CatalogTable.FEATURES, key));
        assertFalse(catalog().update(CatalogTable.FEATURES, first), "update of an absent key");
        assertEquals(Optional.empty(), catalog().find(CatalogTable.FEATURES, key));
        assertTrue(catalog().insert(CatalogTable.FEATURES, first));
        assertFalse(catalog().insert(CatalogTable.FEATURES, second), "insert of a present key");
        assertEquals(Optional.of(first), catalog().find(CatalogTable.FEATURES, key));
        assertTrue(catalog().update(CatalogTable.FEATURES, second));
        assertEquals(Optional.of(second), catalog().find(CatalogTable.FEATURES, key));
        assertTrue(catalog().delete(CatalogTable.FEATURES, key));
        assertFalse(catalog().delete(CatalogTable.FEATURES, key));
        assertEquals(Optional.empty(), catalog().find(CatalogTable.FEATURES, key));
        catalog().save(CatalogTable.FEATURES, first);
        assertEquals(Optional.of(first), catalog().find(CatalogTable.FEATURES, key), "save inserts");
        catalog().save(CatalogTable.FEATURES, second);
        assertEquals(Optional.of(second), catalog().find(CatalogTable.FEATURES, key), "save replaces");
    }

    @Test
    default void ofConcurrentCatalogInsertsOfOneKeyExactlyOneWinsAndConcurrentSavesAllSucceed() throws Exception {
        int threads = 8;
        String key = key("race");
        String saved = key("race_saved");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Boolean>> inserts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int n = i;
                inserts.add(pool.submit(() -> {
                    start.await();
                    boolean inserted = catalog().insert(CatalogTable.PLANS, Plan.of(key, "Plan " + n, n));
                    catalog().save(CatalogTable.PLANS, Plan.of(saved, "Saved " + n, n));
                    return inserted;
                }));
            }
            int winners = 0;
            for (Future<Boolean> insert : inserts) {
                winners += insert.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, winners);
            assertTrue(catalog().find(CatalogTable.PLANS, key).isPresent());
            Plan last = catalog().find(CatalogTable.PLANS, saved).orElseThrow();
            assertEquals("Saved " + last.allowance("credits"), last.name(), "one save won whole");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void catalogListsEveryTableByKeyAndKeysAreCaseSensitive() {
        String prefix = key("p");
        CreditPackage b = CreditPackage.of(prefix + "-b", "B", 10, Money.of("1.00", "USD"));
        CreditPackage a = CreditPackage.of(prefix + "-a", "A", 20, Money.of("2.50", "EUR"));
        CreditPackage upper = CreditPackage.of(prefix + "-A", "upper", 30, Money.of("3", "USD"));
        catalog().save(CatalogTable.PACKAGES, b);
        catalog().save(CatalogTable.PACKAGES, a);
        catalog().save(CatalogTable.PACKAGES, upper);
        List<CreditPackage> listed = catalog().list(CatalogTable.PACKAGES).stream()
                .filter(p -> p.packageId().startsWith(prefix)).toList();
        assertEquals(List.of(a, b), listed.stream().filter(p -> p != upper && !p.equals(upper)).toList());
        assertEquals(3, listed.size());
        assertEquals(Optional.of(a), catalog().find(CatalogTable.PACKAGES, prefix + "-a"));
        assertEquals(Optional.of(upper), catalog().find(CatalogTable.PACKAGES, prefix + "-A"));

        Plan plan = Plan.of(key("plan"), "Plan", 600).withRolloverCap(100);
        assertTrue(catalog().insert(CatalogTable.PLANS, plan));
        assertTrue(catalog().list(CatalogTable.PLANS).contains(plan));
        Plan changed = plan.withCanBuyCredits(false);
        assertTrue(catalog().update(CatalogTable.PLANS, changed));
        assertEquals(Optional.of(changed), catalog().find(CatalogTable.PLANS, plan.planId()));
        assertTrue(catalog().delete(CatalogTable.PLANS, plan.planId()));
        assertEquals(Optional.empty(), catalog().find(CatalogTable.PLANS, plan.planId()));
    }

    @Test
    default void aUnitOfWorkReadsTheCatalogAsCommitted() {
        String accountId = openAccount();
        Plan plan = Plan.of(key("plan"), "Plan", 10);
        catalog().save(CatalogTable.PLANS, plan);
        assertEquals(Optional.of(plan), store().inAccount(accountId, tx -> tx.find(CatalogTable.PLANS, plan.planId())));
        Plan changed = plan.withActive(false);
        catalog().save(CatalogTable.PLANS, changed);
        assertEquals(Optional.of(changed),
                store().readAccount(accountId, tx -> tx.find(CatalogTable.PLANS, plan.planId())));
        assertEquals(Optional.empty(), store().readAccount(accountId, tx -> tx.find(CatalogTable.PLANS, "none")));
    }

    // ---------------------------------------------------------------- promotion uses

    @Test
    default void aPromotionsUseCountIsTheStoresOwn() {
        String code = key("PROMO");
        Promotion promotion = Promotion.of(code).withBonusCredits(5).withMaxUses(2).withUses(77);
        assertTrue(catalog().insert(CatalogTable.PROMOTIONS, promotion));
        assertEquals(0, uses(code), "a new promotion starts at 0, whatever the row says");
        String accountId = openAccount();
        use(accountId, new PromotionUse(code, 1));
        catalog().save(CatalogTable.PROMOTIONS, promotion.withDescription("saved").withUses(0));
        assertEquals(1, uses(code), "save keeps the count");
        assertTrue(catalog().update(CatalogTable.PROMOTIONS, promotion.withDescription("updated").withUses(9)));
        assertEquals(1, uses(code), "update keeps the count");
        assertEquals("updated", catalog().find(CatalogTable.PROMOTIONS, code).orElseThrow().description());
    }

    @Test
    default void aPromotionUsePastTheLimitFailsTheWholeWrite() {
        String code = key("PROMO");
        catalog().save(CatalogTable.PROMOTIONS, Promotion.of(code).withBonusCredits(5).withMaxUses(2));
        String accountId = openAccount();
        use(accountId, new PromotionUse(code, 1), new PromotionUse(code, 1));
        assertEquals(2, uses(code));
        long sequence = sequence(accountId);
        assertThrows(PromotionExhaustedException.class, () -> use(accountId, new PromotionUse(code, 1)));
        assertEquals(2, uses(code));
        assertEquals(sequence, sequence(accountId), "nothing of the write was kept");

        // A limit lowered below the count holds at once; a negative use is always applied, never below 0.
        catalog().save(CatalogTable.PROMOTIONS, Promotion.of(code).withBonusCredits(5).withMaxUses(1));
        assertThrows(PromotionExhaustedException.class, () -> use(accountId, new PromotionUse(code, 1)));
        use(accountId, new PromotionUse(code, -1), new PromotionUse(code, -1), new PromotionUse(code, -1));
        assertEquals(0, uses(code));
        use(accountId, new PromotionUse(code, 1));
        assertEquals(1, uses(code));

        // No limit (0), and a promotion that does not exist is ignored.
        String unlimited = key("FREE");
        catalog().save(CatalogTable.PROMOTIONS, Promotion.of(unlimited).withBonusCredits(1));
        use(accountId, new PromotionUse(unlimited, 1), new PromotionUse(unlimited, 1), new PromotionUse(unlimited, 1),
                new PromotionUse(key("NONE"), 1));
        assertEquals(3, uses(unlimited));
    }

    private long uses(String code) {
        return catalog().find(CatalogTable.PROMOTIONS, code).orElseThrow().uses();
    }

    /** Writes a change set that only uses promotions (and moves the account's sequence on). */
    private void use(String accountId, PromotionUse... uses) {
        write(accountId, List.of(), List.of(uses));
    }

    private void write(String accountId, List<Purchase> purchases, List<PromotionUse> uses) {
        store().inAccount(accountId, tx -> {
            Account account = tx.snapshot(now(), null, null).account();
            tx.write(new ChangeSet(account.withSequence(account.sequence() + 1), List.of(), List.of(), List.of(),
                    List.of(), List.of(), List.of(), List.of(), null, purchases, uses));
            return null;
        });
    }

    // ---------------------------------------------------------------- purchase ids

    @Test
    default void aPurchaseIdBelongsToOneAccount() {
        String owner = openAccount();
        String other = openAccount();
        String purchaseId = key("purchase");
        Purchase pending = purchase(purchaseId, owner);
        write(owner, List.of(pending), List.of());
        assertEquals(Optional.of(owner), store().findAccountOfPurchase(purchaseId));
        Purchase failed = pending.failed(START.plusSeconds(1), "declined");
        write(owner, List.of(failed), List.of());
        assertEquals(Optional.of(failed), store().readAccount(owner, tx -> tx.findPurchase(purchaseId)),
                "the owner replaces it");

        long sequence = sequence(other);
        assertThrows(IdempotencyConflictException.class,
                () -> write(other, List.of(purchase(purchaseId, other)), List.of()));
        assertEquals(sequence, sequence(other), "nothing of the write was kept");
        assertEquals(Optional.of(owner), store().findAccountOfPurchase(purchaseId));
        assertEquals(Optional.empty(), store().readAccount(other, tx -> tx.findPurchase(purchaseId)));
    }

    private static Purchase purchase(String purchaseId, String accountId) {
        return Purchase.builder(purchaseId, accountId, "credits").credits(10, 0)
                .prices(Money.of("1.00", "USD"), Money.of("1.00", "USD")).createdAt(START).build();
    }

    // ---------------------------------------------------------------- due items

    @Test
    default void accountsWithDueItemsAreThoseWithAnExpiredUnheldLotOrAnOpenHoldPastItsDeadline() {
        Instant expiry = now().plus(Duration.ofHours(10));
        String lotDue = openAccount();
        grantExpiring(lotDue, 10, expiry);
        String neverDue = openAccount();
        grant(neverDue, 10);
        assertFalse(due(expiry.minusMillis(1), lotDue), "before its expiry");
        assertTrue(due(expiry, lotDue), "at its expiry (half-open validity)");
        assertTrue(due(expiry.plusSeconds(1), lotDue));
        assertFalse(due(expiry.plusSeconds(1), neverDue));

        // A lot whose remaining credits are all held is not due; the hold is, once its deadline passes.
        String heldLot = openAccount();
        grantExpiring(heldLot, 10, expiry);
        String featureKey = feature("due_check", 10);
        assertTrue(ledger().reserve(heldLot, featureKey, 1, Duration.ofHours(20)).success());
        assertFalse(due(expiry.plusSeconds(1), heldLot), "remaining == held");
        assertFalse(due(holdDeadlineMinus(), heldLot));
        Instant holdDeadline = now().plus(Duration.ofHours(20));
        assertTrue(due(holdDeadline, heldLot), "an OPEN hold at its deadline");

        String holdOnly = openFunded(10);
        assertTrue(ledger().reserve(holdOnly, featureKey, 1, Duration.ofSeconds(30)).success());
        assertFalse(due(now().plusSeconds(29), holdOnly));
        assertTrue(due(now().plusSeconds(30), holdOnly));

        assertTrue(store().findAccountsWithDueItems(expiry.plusSeconds(1), 1).size() <= 1, "at most limit");
    }

    private Instant holdDeadlineMinus() {
        return now().plus(Duration.ofHours(20)).minusMillis(1);
    }

    private boolean due(Instant at, String accountId) {
        return store().findAccountsWithDueItems(at, Integer.MAX_VALUE).contains(accountId);
    }
}
