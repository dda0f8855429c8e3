package dev.credits.stripe.spring;

import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.Money;
import dev.credits.jdbc.spring.CreditsAutoConfiguration;
import dev.credits.memory.InMemoryCreditStore;
import dev.credits.spi.CreditStore;
import dev.credits.stripe.StripeCredits;
import dev.credits.stripe.testing.StripeTestEvents;
import dev.credits.stripe.testing.StripeTestEvents.SignedEvent;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/** Stripe's auto-configuration: only with a webhook secret, on the auto-configured ledger, with its endpoint. */
class CreditsStripeAutoConfigurationTest {

    private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(CreditsAutoConfiguration.class,
            CreditsStripeAutoConfiguration.class);

    @Test
    void withoutAWebhookSecretThereIsNoStripe() {
        new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
                .withBean(CreditStore.class, InMemoryCreditStore::new)
                .run(context -> assertThat(context).hasSingleBean(CreditLedger.class)
                        .doesNotHaveBean(StripeCredits.class));
    }

    @Test
    void theWebhookEndpointAppliesSignedEventsAndRefusesForgedOnes() {
        new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
                .withBean(CreditStore.class, InMemoryCreditStore::new)
                .withPropertyValues("credits.stripe.webhook-secret=whsec_spring",
                        "credits.stripe.package-prices.starter=price_starter")
                .run(context -> {
                    assertThat(context).hasSingleBean(StripeCredits.class)
                            .hasSingleBean(StripeWebhookController.class);
                    CreditLedger ledger = context.getBean(CreditLedger.class);
                    ledger.openAccount("org_1");
                    ledger.commerce().savePackage(CreditPackage.of("starter", "Starter", 500,
                            Money.of("10.00", "USD")));
                    StripeWebhookController endpoint = context.getBean(StripeWebhookController.class);

                    SignedEvent paid = StripeTestEvents.signedWith("whsec_spring")
                            .checkoutCompleted("org_1", "starter", "pi_1");
                    ResponseEntity<String> answer = endpoint.webhook(paid.payload(), paid.signature());
                    assertThat(answer.getStatusCode().value()).isEqualTo(200);
                    assertThat(answer.getBody()).isEqualTo("APPLIED");
                    assertThat(ledger.balance("org_1").available()).isEqualTo(500);

                    SignedEvent forged = StripeTestEvents.signedWith("whsec_other")
                            .checkoutCompleted("org_1", "starter", "pi_2");
                    assertThat(endpoint.webhook(forged.payload(), forged.signature()).getStatusCode().value())
                            .isEqualTo(400);
                    SignedEvent stranger = StripeTestEvents.signedWith("whsec_spring")
                            .checkoutCompleted("org_unknown", "starter", "pi_3");
                    assertThat(endpoint.webhook(stranger.payload(), stranger.signature()).getStatusCode().value())
                            .isEqualTo(409);
                });
    }
}
