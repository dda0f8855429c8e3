package dev.credits.examples.spring;

import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.LotSource;
import dev.credits.Money;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot host of credits: the auto-configuration makes the store (on the application's DataSource), the ledger,
 * the sweep, the health indicator, the meters, problem details and the Stripe webhook endpoint; the host writes only
 * its endpoints ({@link CreditsController}) and its settings (application.properties). Runs on an in-memory H2
 * database:
 *
 * <pre>
 * mvn -q -B -pl examples -am package -DskipTests exec:java -Pspring
 * curl localhost:8080/pricing
 * curl -X POST localhost:8080/accounts/demo/deductions -H 'Content-Type: application/json' \
 *      -d '{"featureKey":"empty_room_generation","quantity":1}'
 * </pre>
 */
@SpringBootApplication
public class CreditsExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(CreditsExampleApplication.class, args);
    }

    /** Demo data, idempotent: the price list, the Starter package, and a demo account with 100 credits. */
    @Bean
    ApplicationRunner demoData(CreditLedger ledger) {
        return args -> {
            ledger.saveFeaturePricing(FeatureDefinition.of("empty_room_generation", "Empty room generation", 10)
                    .withCategory("staging").withFreeRetries(2));
            ledger.saveFeaturePricing(FeatureDefinition.of("virtual_staging", "Virtual staging (per variant)", 10)
                    .withCategory("staging"));
            ledger.commerce().savePackage(CreditPackage.of("starter", "Starter", 100, Money.of("199.00", "USD")));
            ledger.openAccount("demo");
            ledger.grant(GrantRequest.of("demo", 100).withSource(LotSource.PROMOTION)
                    .withIdempotencyKey("demo-welcome-credits"));
        };
    }
}
