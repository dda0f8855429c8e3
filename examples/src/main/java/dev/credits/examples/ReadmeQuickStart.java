package dev.credits.examples;

import dev.credits.ChargeResult;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.LotSource;
import dev.credits.memory.InMemoryCreditStore;

/**
 * The quick start of the README, compiled by the build: the code between the {@code tag} comments is the
 * README's snippet, and {@code ReadmeTest} fails when the two drift apart.
 */
public final class ReadmeQuickStart {

    private ReadmeQuickStart() {
    }

    /** Stands in for an AI model. */
    interface Model {
        String generate(String prompt);
    }

    static int handle(String requestId, String prompt, Model model) {
        // tag::quickstart[]
        CreditLedger ledger = CreditLedger.builder()
                .store(new InMemoryCreditStore())      // or JdbiCreditStore on H2, PostgreSQL, MariaDB
                .build();

        ledger.openAccount("org_42");
        ledger.saveFeaturePricing(FeatureDefinition.of("seedream_text_to_image", "Seedream text to image", 5));
        ledger.grant(GrantRequest.of("org_42", 100).withSource(LotSource.PURCHASE));

        // In a request handler: a short balance is a value, not an exception.
        DeductionResult result = ledger.deductCredits(DeductRequest.of("org_42", "seedream_text_to_image")
                .withUserId("user_7")
                .withIdempotencyKey(requestId));        // a retried request is charged once
        if (!result.success()) {
            return result.reason().httpStatus();       // 402 Payment Required when short
        }

        // Or, for slow AI work, instead of deductCredits: hold the credits, run the work, charge on success,
        // give them back if it throws.
        ChargeResult<String> image = ledger.charge("org_42", "seedream_text_to_image",
                () -> model.generate(prompt));
        // end::quickstart[]
        return image.success() ? 200 : image.reason().httpStatus();
    }

    public static void main(String[] args) {
        System.out.println(handle("req-1", "a cat on a sofa", prompt -> "cat.png"));
    }
}
