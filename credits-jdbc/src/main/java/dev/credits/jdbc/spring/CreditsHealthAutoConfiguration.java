package dev.credits.jdbc.spring;

import dev.credits.spi.CreditStore;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The {@code credits} health indicator ({@link CreditsHealthIndicator}, a real round trip to the store) when the
 * actuator is on the classpath; {@code management.health.credits.enabled=false} turns it off. After
 * {@link CreditsAutoConfiguration}, whose store it pings.
 */
@AutoConfiguration(after = CreditsAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, CreditStore.class})
@ConditionalOnBean(CreditStore.class)
@ConditionalOnProperty(prefix = "management.health.credits", name = "enabled", matchIfMissing = true)
public class CreditsHealthAutoConfiguration {

    /** @return the indicator */
    @Bean
    @ConditionalOnMissingBean(name = "creditsHealthIndicator")
    public CreditsHealthIndicator creditsHealthIndicator(CreditStore store) {
        return new CreditsHealthIndicator(store);
    }
}
