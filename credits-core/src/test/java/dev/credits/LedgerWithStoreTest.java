package dev.credits;

import dev.credits.memory.InMemoryCreditStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CreditLedger#withStore}: the same settings on another store, the original untouched. */
class LedgerWithStoreTest {

    @Test
    void theSameLedgerOnAnotherStoreKeepsItsSettingsAndWritesThereOnly() {
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
        InMemoryCreditStore first = new InMemoryCreditStore();
        InMemoryCreditStore second = new InMemoryCreditStore();
        CreditLedger ledger = CreditLedger.builder().store(first).clock(clock)
                .defaultHoldTimeout(Duration.ofMinutes(7)).build();
        CreditLedger other = ledger.withStore(second);

        assertSame(clock, other.clock());
        other.openAccount("org_1");
        other.grant(GrantRequest.of("org_1", 10));
        assertTrue(ledger.getAccount("org_1").isEmpty(), "nothing written to the first store");
        assertEquals(10, other.balance("org_1").available());
        other.saveFeaturePricing(FeatureDefinition.of("image_generation", "Image generation", 4));
        ReservationResult held = other.reserve(ReserveRequest.of("org_1", "image_generation"));
        assertEquals(clock.instant().plus(Duration.ofMinutes(7)), held.hold().expiresAt(), "the hold timeout kept");
        assertThrows(NullPointerException.class, () -> ledger.withStore(null));
    }
}
