package dev.credits.examples;

import dev.credits.Actor;
import dev.credits.AdjustmentResult;
import dev.credits.AuditAction;
import dev.credits.AuditFilter;
import dev.credits.AuditRecord;
import dev.credits.ChargeDispute;
import dev.credits.ChargeDisputeRequest;
import dev.credits.ChargeDisputeStatistics;
import dev.credits.ChargeDisputeStatus;
import dev.credits.CreditAdjustment;
import dev.credits.CreditLedger;
import dev.credits.FeatureDefinition;
import dev.credits.FeatureUpdate;
import dev.credits.GrantRequest;
import dev.credits.PageRequest;
import dev.credits.memory.InMemoryCreditStore;
import dev.credits.testkit.MutableClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's "Administration" section, compiled by the build: the code between the {@code tag} comments is the
 * README's snippets, and {@code ReadmeTest} fails when they drift apart.
 */
public final class ReadmeAdministration {

    private ReadmeAdministration() {
    }

    /** @return what the snippets printed, line by line */
    static List<String> run() {
        List<String> out = new ArrayList<>();
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T09:00:00Z"));
        CreditLedger ledger = CreditLedger.builder().store(new InMemoryCreditStore()).clock(clock).build();
        ledger.openAccount("user-123");
        ledger.saveFeaturePricing(FeatureDefinition.of("ai_video", "AI video", 50));
        ledger.grant(GrantRequest.of("user-123", 200));
        String adminId = "admin:42";
        String transactionId = ledger.deductCredits("user-123", "ai_video").transactionId();

        // tag::admin-remove[]
        CreditLedger admin = ledger.actingAs(Actor.of(adminId, "ticket 881: duplicate top-up"));
        admin.pauseAccount("user-123");                           // removals work on a paused account
        AdjustmentResult removed = admin.admin().removeCredits(
                CreditAdjustment.of("user-123", 30, "duplicate top-up")
                        .withIdempotencyKey("ticket-881"));           // a retry removes nothing more
        // !removed.success(): INSUFFICIENT_CREDITS past the overdraft limit (.allowingDebt() records debt)
        removed.receipt();                                        // the lots the 30 credits came from
        admin.resumeAccount("user-123");
        admin.updateFeaturePricing("ai_video", FeatureUpdate.of().withCreditsPerUnit(60)); // a PATCH
        // end::admin-remove[]
        out.add("removed " + removed.creditsRemoved() + ", available " + removed.available());

        // tag::audit-read[]
        for (AuditRecord record : ledger.audit().account("user-123",
                AuditFilter.all().withActor("admin:42"), PageRequest.first()).records()) {
            out.add(record.action() + " by " + record.actor().id() + ": " + record.before() + " -> " + record.after());
        }
        ledger.audit().catalog(AuditFilter.all().withActions(AuditAction.FEATURE_UPDATED), PageRequest.first());
        ledger.audit().priceHistory("ai_video");                  // every price with who changed it and why
        // end::audit-read[]
        out.add("price history " + ledger.audit().priceHistory("ai_video").stream()
                .map(change -> change.creditsPerUnit()).toList());

        // tag::disputes[]
        // transactionId: a deduction of 50 credits from user-123 (this story's ledger runs on a clock in March 2025)
        CreditLedger support = ledger.actingAs(Actor.of("admin:7", "dispute desk"));          // who reviews
        ChargeDispute dispute = ledger.actingAs(Actor.of("user:123")).disputes().submit(     // POST /api/disputes/submit
                ChargeDisputeRequest.of("user-123", transactionId, "not_delivered", 50)
                        .withDescription("The AI video was never generated despite credits being deducted"));

        List<ChargeDispute> queue = support.disputes()                                        // the admin queue
                .queue(ChargeDisputeStatus.OPEN, PageRequest.first(20)).disputes();
        support.disputes().review(queue.get(0).disputeId());                                  // UNDER_REVIEW
        ChargeDispute resolved = support.disputes().resolve(dispute.disputeId(), 30,         // RESOLVED, 30 back
                "partial refund: a preview was delivered");

        ChargeDisputeStatistics stats = support.disputes().statistics(                       // submitted in March
                Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("2025-04-01T00:00:00Z"));
        stats.byReason();                                  // {not_delivered=1}
        stats.medianResolution();                          // submission to decision
        stats.creditsRequested();                          // 50, against stats.creditsRefunded(): 30
        // end::disputes[]
        clock.advance(Duration.ofMinutes(1));
        out.add("dispute " + resolved.status() + ", refunded " + resolved.creditsRefunded() + " of "
                + stats.creditsRequested() + ", available " + ledger.balance("user-123").available());
        return out;
    }

    public static void main(String[] args) {
        run().forEach(System.out::println);
    }
}
