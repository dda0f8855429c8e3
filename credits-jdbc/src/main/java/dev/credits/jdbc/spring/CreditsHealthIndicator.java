package dev.credits.jdbc.spring;

import dev.credits.spi.CreditStore;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The {@code credits} health contributor: up when the store answers a real round trip ({@link CreditStore#ping()}). */
public class CreditsHealthIndicator implements HealthIndicator {
    private final CreditStore store;

    /** @param store the store to ping */
    public CreditsHealthIndicator(CreditStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        try {
            store.ping();
            return Health.up().build();
        } catch (RuntimeException e) {
            return Health.down(e).build();
        }
    }
}
