package dev.credits.memory;

import dev.credits.spi.CreditStore;
import dev.credits.tck.CreditStoreContract;

/** Runs the store contract against {@link InMemoryCreditStore}. */
class InMemoryCreditStoreTest extends CreditStoreContract {

    @Override
    protected CreditStore createStore() {
        return new InMemoryCreditStore();
    }
}
