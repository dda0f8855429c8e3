package dev.credits.tck;

import dev.credits.memory.InMemoryCreditStore;
import dev.credits.spi.CreditStore;

/**
 * Runs the store contract against {@link InMemoryCreditStore}. In {@code dev.credits.tck}, not {@code dev.credits.memory}:
 * the test-jar shares no package with the main jar.
 */
// tag::contract[]
class InMemoryCreditStoreContractTest extends CreditStoreContract {

    @Override
    protected CreditStore createStore() {
        return new InMemoryCreditStore();
    }
}
// end::contract[]
