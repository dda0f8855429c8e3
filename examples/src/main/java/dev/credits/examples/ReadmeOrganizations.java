package dev.credits.examples;

import dev.credits.Actor;
import dev.credits.CapPeriod;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.PurchasePolicy;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.SpendingCap;
import dev.credits.TransferRequest;
import dev.credits.TransferResult;
import dev.credits.memory.InMemoryCreditStore;

import java.time.ZoneId;

/**
 * The README's "Organizations" section: seed 000's enterprise setup (a pool of 10,000 credits, three departments with
 * monthly caps, a user cap per day, a large purchase waiting for approval), compiled by the build: the code between the
 * {@code tag} comments is the README's snippet, and {@code ReadmeTest} fails when the two drift apart.
 */
public final class ReadmeOrganizations {

    private ReadmeOrganizations() {
    }

    /** What the snippet produced, for the test. */
    record Outcome(DeductionResult spent, DeductionResult overDailyCap, TransferResult allocated,
                   PurchaseResult waiting, PurchaseResult approved, long poolAvailable) {
    }

    static Outcome run() {
        // tag::orgs[]
        CreditLedger ledger = CreditLedger.builder()
                .store(new InMemoryCreditStore())
                .purchasePolicy(PurchasePolicy.DEFAULT
                        .withCreditRate(Money.of("0.10", "USD"))
                        .withApprovalAbove(5_000, null))                 // larger purchases wait for an approver
                .build();
        ledger.saveFeaturePricing(FeatureDefinition.of("room_staging", "Room staging", 20));
        ZoneId zone = ZoneId.of("America/New_York");

        // The organization's pool, and its departments and users as members (organization -> department -> user).
        ledger.openAccount("org_acme");
        ledger.grant(GrantRequest.of("org_acme", 10_000).withSource(LotSource.PURCHASE));
        CreditLedger admin = ledger.actingAs(Actor.of("admin:dana", "enterprise setup"));  // recorded on every change
        for (String dept : new String[] {"dept_marketing", "dept_sales", "dept_design"}) {
            ledger.openAccount(dept);
            admin.orgs().setParent(dept, "org_acme");
            admin.orgs().setCap(dept, SpendingCap.of("monthly", CapPeriod.MONTH, 2_000).inZone(zone));
        }
        ledger.openAccount("user_kim");
        admin.orgs().setParent("user_kim", "dept_design");
        admin.orgs().setCap("user_kim", SpendingCap.of("daily", CapPeriod.DAY, 100).inZone(zone));

        // Kim spends the pool's credits (she and her department hold none), within both caps.
        DeductionResult spent = ledger.deductCredits(DeductRequest.of("user_kim", "room_staging").withQuantity(5));
        DeductionResult overDailyCap = ledger.deductCredits(DeductRequest.of("user_kim", "room_staging"));
        // overDailyCap.reason() == CAP_EXCEEDED (429); capExceeded() says which cap, used 100, remaining 0.

        // An allocation carved out of the pool: the lots keep their expiry and cost basis.
        TransferResult allocated = admin.orgs().transfer(TransferRequest.of("org_acme", "dept_sales", 1_500)
                .withReason("Q3 allocation").withIdempotencyKey("alloc-q3-sales"));

        // A large purchase waits (nothing granted) until an approver moves it on.
        PurchaseResult waiting = ledger.commerce().purchase(PurchaseRequest.ofCredits("org_acme", 20_000));
        PurchaseResult approved = ledger.orgs().approvePurchase(waiting.purchase().purchaseId(),
                Actor.of("cfo:lee", "budget line 7"));
        // end::orgs[]
        return new Outcome(spent, overDailyCap, allocated, waiting, approved,
                ledger.balance("org_acme").available());
    }
}
