package dev.credits;

import dev.credits.memory.InMemoryCreditStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CreditLedger#actingAs}: a view with an actor on the same store and settings; the original has none. */
class ActingAsTest {

    @Test
    void aViewActsOnTheSameStoreWithItsActorAndTheOriginalHasNone() {
        InMemoryCreditStore store = new InMemoryCreditStore();
        CreditLedger ledger = CreditLedger.builder().store(store).defaultHoldTimeout(Duration.ofMinutes(7)).build();
        Actor admin = Actor.of("admin:42", "ticket 881");
        CreditLedger asAdmin = ledger.actingAs(admin);

        assertEquals(admin, asAdmin.actor().orElseThrow());
        assertTrue(ledger.actor().isEmpty(), "the original ledger has no actor");
        asAdmin.openAccount("org_1");
        assertTrue(ledger.getAccount("org_1").isPresent(), "the view writes to the same store");
        assertEquals(admin, asAdmin.withStore(new InMemoryCreditStore()).actor().orElseThrow(), "withStore keeps it");
        assertEquals(Actor.of("system"), asAdmin.actingAs(Actor.SYSTEM).actor().orElseThrow(), "a view of a view");
    }

    @Test
    void anActorNeedsAnIdAndAStorableReason() {
        assertThrows(InvalidArgumentException.class, () -> Actor.of(" "));
        assertThrows(InvalidArgumentException.class, () -> Actor.of(null));
        assertThrows(InvalidArgumentException.class, () -> Actor.of("x".repeat(129)));
        assertThrows(InvalidArgumentException.class, () -> Actor.of("admin", "x".repeat(2049)));
        assertEquals("why", Actor.of("admin").because("why").reason());
        assertThrows(NullPointerException.class, () -> CreditLedger.builder().store(new InMemoryCreditStore()).build()
                .actingAs(null));
    }
}
