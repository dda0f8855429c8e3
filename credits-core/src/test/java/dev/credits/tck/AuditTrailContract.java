package dev.credits.tck;

import dev.credits.AccountSettings;
import dev.credits.Actor;
import dev.credits.AuditAction;
import dev.credits.AuditFilter;
import dev.credits.AuditPage;
import dev.credits.AuditRecord;
import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.DuplicateFeatureException;
import dev.credits.FeatureDefinition;
import dev.credits.FeatureUpdate;
import dev.credits.GrantRequest;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Money;
import dev.credits.PageRequest;
import dev.credits.Plan;
import dev.credits.PriceChange;
import dev.credits.Promotion;
import dev.credits.UnknownFeatureException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit trail ({@code ledger.audit()}): every change that is not an entry, once, with its actor, before and after. */
public interface AuditTrailContract extends ContractFixture {

    Actor SUPPORT = Actor.of("admin:7", "user asked");

    private List<AuditRecord> trail(String accountId) {
        return ledger().audit().account(accountId, AuditFilter.all(), PageRequest.first(PageRequest.MAX_LIMIT))
                .records();
    }

    private List<AuditRecord> catalogTrail(String subject) {
        return ledger().audit().catalog(AuditFilter.all().withSubject(subject), PageRequest.first(100)).records();
    }

    @Test
    default void everyAccountChangeIsRecordedOnceWithItsActorAndTheFieldsBeforeAndAfter() {
        CreditLedger support = ledger().actingAs(SUPPORT);
        String accountId = newAccountId();
        String planId = "plan-" + UUID.randomUUID();
        ledger().plans().savePlan(Plan.of(planId, "Pro", 100));

        support.openAccount(accountId);
        support.openAccount(accountId); // exists: no second record
        support.actingAs(SUPPORT.because("abuse report 12")).pauseAccount(accountId);
        support.pauseAccount(accountId); // already paused: nothing changes, nothing recorded
        support.resumeAccount(accountId);
        support.updateAccountSettings(accountId, new AccountSettings(5, 0, 0));
        support.plans().assignPlan(accountId, planId);
        support.plans().endPlan(accountId);

        List<AuditRecord> trail = trail(accountId);
        assertEquals(List.of(AuditAction.PLAN_ENDED, AuditAction.PLAN_ASSIGNED, AuditAction.SETTINGS_CHANGED,
                AuditAction.ACCOUNT_RESUMED, AuditAction.ACCOUNT_PAUSED, AuditAction.ACCOUNT_OPENED),
                trail.stream().map(AuditRecord::action).toList());
        for (AuditRecord record : trail) {
            assertEquals(accountId, record.accountId());
            assertEquals(START, record.createdAt());
            assertEquals("admin:7", record.actor().id());
        }
        AuditRecord paused = trail.get(4);
        assertEquals("abuse report 12", paused.actor().reason());
        assertEquals(Map.of("status", "ACTIVE"), paused.before());
        assertEquals(Map.of("status", "PAUSED"), paused.after());
        AuditRecord settings = trail.get(2);
        assertEquals(Map.of("overdraftLimit", "0"), settings.before());
        assertEquals(Map.of("overdraftLimit", "5"), settings.after());
        AuditRecord assigned = trail.get(1);
        assertEquals(planId, assigned.subject());
        assertEquals(planId, assigned.after().get("planId"));
        assertEquals(planId, trail.get(0).before().get("planId"));
        assertTrue(trail.get(0).after().containsKey("planId"));
        assertNull(trail.get(0).after().get("planId"));
        assertEquals(Map.of(), trail.get(5).before());
        assertEquals("0", trail.get(5).after().get("overdraftLimit"));
        assertEquals(ledger().getAccount(accountId).orElseThrow().sequence(), trail.get(0).sequence());
        assertTrue(trail.get(4).sequence() < trail.get(3).sequence(), "each change has its own sequence number");
        for (int i = 1; i < trail.size(); i++) {
            assertTrue(trail.get(i - 1).position() > trail.get(i).position(), "newest first");
        }
    }

    @Test
    default void priceListChangesAreRecordedAndMakeTheFeaturesPriceHistory() {
        CreditLedger admin = ledger().actingAs(SUPPORT.because("price review"));
        String key = newFeatureKey("video");
        admin.createFeaturePricing(FeatureDefinition.of(key, "Video", 10).withDescription("one clip"));
        clock().advance(Duration.ofMinutes(1));
        admin.updateFeaturePricing(key, FeatureUpdate.of().withCreditsPerUnit(12));
        admin.deactivateFeaturePricing(key);
        admin.deactivateFeaturePricing(key); // already inactive: no record
        admin.reactivateFeaturePricing(key);
        assertThrows(DuplicateFeatureException.class,
                () -> admin.createFeaturePricing(FeatureDefinition.of(key, "Video", 1))); // no record either
        admin.deleteFeaturePricing(key);
        admin.deleteFeaturePricing(key); // gone: no record

        List<AuditRecord> trail = catalogTrail(key);
        assertEquals(List.of(AuditAction.FEATURE_DELETED, AuditAction.FEATURE_REACTIVATED,
                AuditAction.FEATURE_DEACTIVATED, AuditAction.FEATURE_UPDATED, AuditAction.FEATURE_CREATED),
                trail.stream().map(AuditRecord::action).toList());
        AuditRecord updated = trail.get(3);
        assertEquals(Map.of("creditsPerUnit", "10"), updated.before(), "only what changed");
        assertEquals(Map.of("creditsPerUnit", "12"), updated.after());
        assertEquals(SUPPORT.because("price review"), updated.actor());
        assertNull(updated.accountId());
        assertEquals(0, updated.sequence());
        assertEquals("one clip", trail.get(4).after().get("description"));
        assertEquals(Map.of(), trail.get(0).after());
        assertEquals("12", trail.get(0).before().get("creditsPerUnit"));

        List<PriceChange> history = ledger().audit().priceHistory(key);
        assertEquals(List.of(10L, 12L, 12L, 12L, 12L), history.stream().map(PriceChange::creditsPerUnit).toList());
        assertEquals(List.of(true, true, false, true, false), history.stream().map(PriceChange::active).toList());
        assertEquals(START, history.get(0).at());
        assertEquals(START.plus(Duration.ofMinutes(1)), history.get(1).at());
    }

    @Test
    default void aPartialUpdateChangesOnlyTheFieldsItSets() {
        String key = feature("staging", 10);
        ledger().updateFeaturePricing(key, FeatureUpdate.of().withDescription("new words"));
        var feature = ledger().getFeaturePricing(key).orElseThrow();
        assertEquals(10, feature.creditsPerUnit());
        assertEquals("new words", feature.description());
        assertThrows(UnknownFeatureException.class,
                () -> ledger().updateFeaturePricing(newFeatureKey("missing"), FeatureUpdate.of().withCreditsPerUnit(1)));
        assertThrows(InvalidArgumentException.class,
                () -> ledger().updateFeaturePricing(key, FeatureUpdate.of().withCreditsPerUnit(-1)));
        assertEquals(10, ledger().getFeaturePricing(key).orElseThrow().creditsPerUnit(), "nothing changed");
        assertThrows(UnknownFeatureException.class, () -> ledger().reactivateFeaturePricing(newFeatureKey("missing")));
    }

    @Test
    default void catalogSavesOfPackagesPromotionsAndPlansAreRecorded() {
        CreditLedger admin = ledger().actingAs(SUPPORT);
        String id = "cat-" + UUID.randomUUID();
        admin.commerce().savePackage(CreditPackage.of(id, "Starter", 100, Money.of("9.99", "USD")));
        admin.commerce().savePackage(CreditPackage.of(id, "Starter", 120, Money.of("9.99", "USD")));
        admin.commerce().savePromotion(Promotion.of(id).withBonusCredits(5));
        admin.plans().savePlan(Plan.of(id, "Plan", 50));

        List<AuditRecord> trail = catalogTrail(id);
        assertEquals(List.of(AuditAction.PLAN_SAVED, AuditAction.PROMOTION_SAVED, AuditAction.PACKAGE_SAVED,
                AuditAction.PACKAGE_SAVED), trail.stream().map(AuditRecord::action).toList());
        assertEquals(Map.of("credits", "100"), trail.get(2).before());
        assertEquals(Map.of("credits", "120"), trail.get(2).after());
        assertEquals("admin:7", trail.get(0).actor().id());
    }

    @Test
    default void theTrailIsKeysetPagedAndFilteredByActorActionAndTime() {
        String accountId = openAccount();
        Instant[] at = new Instant[6];
        for (int i = 0; i < 6; i++) {
            at[i] = clock().advance(Duration.ofMinutes(1));
            ledger().actingAs(Actor.of(i % 2 == 0 ? "admin:even" : "admin:odd"))
                    .updateAccountSettings(accountId, new AccountSettings(i + 1, 0, 0));
        }
        List<AuditRecord> all = new ArrayList<>();
        Set<Long> positions = new HashSet<>();
        AuditPage page = ledger().audit().account(accountId, AuditFilter.all(), PageRequest.first(2));
        int pages = 1;
        all.addAll(page.records());
        while (page.hasMore()) {
            page = ledger().audit().account(accountId, AuditFilter.all(), page.next(2).orElseThrow());
            all.addAll(page.records());
            pages++;
        }
        all.forEach(record -> assertTrue(positions.add(record.position()), "no record twice"));
        assertEquals(7, all.size(), "six settings changes and the opening");
        assertEquals(4, pages);
        assertEquals(3, ledger().audit().account(accountId, AuditFilter.all().withActor("admin:odd"),
                PageRequest.first()).records().size());
        assertEquals(6, ledger().audit().account(accountId,
                AuditFilter.all().withActions(AuditAction.SETTINGS_CHANGED), PageRequest.first()).records().size());
        List<AuditRecord> window = ledger().audit().account(accountId, AuditFilter.all().withPeriod(at[1], at[4]),
                PageRequest.first()).records();
        assertEquals(List.of(at[3], at[2], at[1]), window.stream().map(AuditRecord::createdAt).toList());
        assertEquals(List.of(), ledger().audit().account(newAccountId(), AuditFilter.all(), PageRequest.first())
                .records(), "an unknown account has no records");
        assertThrows(InvalidArgumentException.class, () -> ledger().audit().account(accountId, AuditFilter.all(),
                new PageRequest("not-a-cursor", 10)));
        assertThrows(InvalidArgumentException.class, () -> ledger().audit().account(accountId, AuditFilter.all(),
                PageRequest.first(0)));
    }

    @Test
    default void entriesCarryTheActorOfTheirCallAndExpiriesTheSystem() {
        String accountId = openAccount();
        Actor admin = Actor.of("admin:1", "goodwill");
        String granted = ledger().actingAs(admin).grant(GrantRequest.of(accountId, 10)
                .withExpiresAt(now().plus(Duration.ofDays(1)))).transactionId();
        String plain = grant(accountId, 5).transactionId();
        clock().advance(Duration.ofDays(2));
        ledger().expireDue();

        List<LedgerEntry> entries = entries(accountId);
        LedgerEntry expiry = entries.stream().filter(e -> e.type() == dev.credits.EntryType.EXPIRY).findFirst()
                .orElseThrow();
        assertEquals(Actor.SYSTEM, expiry.actor());
        assertEquals(admin, ledger().receipt(granted).entry().actor());
        assertNull(ledger().receipt(plain).entry().actor());
        assertFalse(entries.isEmpty());
        assertInvariants(accountId);
    }
}
