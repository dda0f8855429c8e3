package dev.credits.stripe.spring;

import dev.credits.CreditLedger;
import dev.credits.stripe.StripeClient;
import dev.credits.stripe.StripeClientConfig;
import dev.credits.stripe.StripeCredits;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.RestController;

/**
 * Stripe for the auto-configured ledger, when credits-stripe is on the classpath and
 * {@code credits.stripe.webhook-secret} is set: a {@link StripeCredits} bean ({@code credits.stripe.package-prices},
 * {@code plan-prices}, and {@code api-key} for checkout sessions) and, in a Spring MVC application, the
 * {@link StripeWebhookController} endpoint. Each is replaced by a host bean of its type.
 */
@AutoConfiguration(afterName = "dev.credits.jdbc.spring.CreditsAutoConfiguration")
@ConditionalOnClass({StripeCredits.class, CreditLedger.class})
@ConditionalOnProperty(prefix = "credits.stripe", name = "webhook-secret")
@ConditionalOnBean(CreditLedger.class)
@EnableConfigurationProperties(CreditsStripeProperties.class)
public class CreditsStripeAutoConfiguration {

    /** @return Stripe on the ledger */
    @Bean
    @ConditionalOnMissingBean
    public StripeCredits stripeCredits(CreditLedger ledger, CreditsStripeProperties properties) {
        StripeCredits.Builder builder = StripeCredits.builder()
                .ledger(ledger)
                .webhookSecret(properties.getWebhookSecret());
        properties.getPackagePrices().forEach(builder::packagePrice);
        properties.getPlanPrices().forEach(builder::planPrice);
        if (properties.getApiKey() != null && !properties.getApiKey().isBlank()) {
            builder.stripeClient(new StripeClient(StripeClientConfig.of(properties.getApiKey())));
        }
        return builder.build();
    }

    /** The webhook endpoint, in a Spring MVC application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(RestController.class)
    static class Webhook {

        @Bean
        @ConditionalOnMissingBean
        StripeWebhookController stripeWebhookController(StripeCredits stripe) {
            return new StripeWebhookController(stripe);
        }
    }
}
