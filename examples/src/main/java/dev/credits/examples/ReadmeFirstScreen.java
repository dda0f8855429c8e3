package dev.credits.examples;

// tag::first-screen-imports[]
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.memory.InMemoryCreditStore;
// end::first-screen-imports[]

/**
 * The example on the README's first screen, compiled by the build: its imports and its code between the {@code tag}
 * comments are the README's snippet, one block, and {@code ReadmeTest} fails when the two drift apart.
 */
public final class ReadmeFirstScreen {

    private ReadmeFirstScreen() {
    }

    /** What the example ends with: the status a host answers and the credits left. */
    record Outcome(int status, long left) {
    }

    static Outcome run() {
        // tag::first-screen[]
        CreditLedger ledger = CreditLedger.builder()
                .store(new InMemoryCreditStore())   // or JdbiCreditStore: H2, PostgreSQL, MariaDB
                .build();
        ledger.saveFeaturePricing(FeatureDefinition.of("text_to_image", "Text to image", 5));
        ledger.openAccount("org_42");
        ledger.grant(GrantRequest.of("org_42", 100));

        DeductionResult result = ledger.deductCredits(DeductRequest.of("org_42", "text_to_image"));
        int status = result.success() ? 200 : result.reason().httpStatus();   // 402 when the balance is short
        long left = ledger.balance("org_42").available();                     // 95
        // end::first-screen[]
        return new Outcome(status, left);
    }

    public static void main(String[] args) {
        System.out.println(run());
    }
}
