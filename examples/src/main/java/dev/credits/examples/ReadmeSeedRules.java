package dev.credits.examples;

import dev.credits.Balance;
import dev.credits.ChargeResult;
import dev.credits.Changes;
import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.Explanation;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.PurchasePolicy;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.Quote;
import dev.credits.ReserveRequest;
import dev.credits.memory.InMemoryCreditStore;

import java.math.BigDecimal;
import java.time.Period;

/**
 * The README's section on plan rules per credit type, plan rates, custom amounts, free retries through
 * {@code charge}, and the inspection reads, compiled by the build: the code between the {@code tag} comments is the
 * README's snippet, and {@code ReadmeTest} fails when the two drift apart.
 */
public final class ReadmeSeedRules {

    private ReadmeSeedRules() {
    }

    /** What the snippet produced, for the test. */
    record Outcome(DeductionResult refused, Balance sessions, PurchaseResult voice, Quote subscriberQuote,
                   ChargeResult<String> firstRetry, ChargeResult<String> thirdRetry, Changes changes,
                   Explanation explanation) {
    }

    static Outcome run() {
        // tag::seeds[]
        CreditLedger ledger = CreditLedger.builder()
                .store(new InMemoryCreditStore())
                .purchasePolicy(PurchasePolicy.DEFAULT
                        .withCreditRate(Money.of("0.10", "USD"))
                        .withCustomAmountValidity("credits", Period.ofMonths(12))   // custom amounts expire too
                        .withCustomAmountValidity("voice", Period.ofMonths(12)))
                .build();

        // 002's free tier: no session credits bought or spent (they stay), voice credits bought and spent.
        ledger.plans().savePlan(Plan.of("free", "Free", 0)
                .withCanBuyCredits(false)
                .withCreditAccess("credits", false, false)
                .withCreditAccess("voice", true, true));
        // 003's subscribers buy at their own rate, and 10% off packages and custom amounts.
        ledger.plans().savePlan(Plan.of("pro", "Pro", 0)
                .withCreditRate(Money.of("0.08", "USD"))
                .withPurchasePercentOff(new BigDecimal("10")));
        ledger.saveFeaturePricing(FeatureDefinition.of("coaching_session", "Coaching session", 10));
        ledger.saveFeaturePricing(FeatureDefinition.of("empty_room_generation", "Empty room generation", 10)
                .withFreeRetries(2));
        ledger.commerce().savePackage(CreditPackage.of("voice_100", "Voice 100", 100, Money.of("10.00", "USD"))
                .withCreditType("voice"));

        ledger.openAccount("user_1");
        ledger.grant(GrantRequest.of("user_1", 50));
        ledger.plans().assignPlan("user_1", "free");
        DeductionResult refused = ledger.deductCredits(DeductRequest.of("user_1", "coaching_session"));
        // refused.reason() == PLAN_CANNOT_SPEND_CREDIT_TYPE (403); the 50 credits stay, spendable() == false
        Balance sessions = ledger.balance("user_1");
        PurchaseResult voice = ledger.commerce().purchase(PurchaseRequest.ofPackage("user_1", "voice_100"));

        ledger.plans().assignPlan("user_1", "pro");                       // the 50 credits are spendable again
        Quote subscriberQuote = ledger.commerce().quote(PurchaseRequest.ofCredits("user_1", 500));
        // 500 x $0.08 = $40.00, 10% off = $36.00; subscriberQuote.planRule() names both plan rules

        // 001's flow: charge before the AI call, roll back if it fails, 2 free retries of a generation.
        ChargeResult<String> room = ledger.charge(ReserveRequest.of("user_1", "empty_room_generation"),
                () -> "room-1.png");
        ReserveRequest retry = ReserveRequest.of("user_1", "empty_room_generation")
                .withRetryOf(room.commit().transactionId());
        try {
            ledger.charge(retry, () -> {
                throw new IllegalStateException("AI service timed out");     // released: its free slot comes back
            });
        } catch (IllegalStateException failed) {
            // tell the user; nothing was charged
        }
        ChargeResult<String> firstRetry = ledger.charge(retry, () -> "room-2.png");   // free, retry 1
        ledger.charge(retry, () -> "room-3.png");                                     // free, retry 2
        ChargeResult<String> thirdRetry = ledger.charge(retry, () -> "room-4.png");   // 10 credits

        // Smart sync: what changed after the sequence the client last saw, and why a spend costs what it does.
        Changes changes = ledger.inspection().changesSince("user_1", refused.sequence());
        Explanation explanation = ledger.inspection().explain("user_1", "empty_room_generation");
        // end::seeds[]
        return new Outcome(refused, sessions, voice, subscriberQuote, firstRetry, thirdRetry, changes, explanation);
    }
}
