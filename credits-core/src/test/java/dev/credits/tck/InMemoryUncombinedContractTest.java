package dev.credits.tck;

import dev.credits.memory.InMemoryCreditStore;
import dev.credits.spi.CreditStore;

/** Runs the store contract against {@link InMemoryCreditStore} with write-combining off: each call its own unit of work. */
class InMemoryUncombinedContractTest extends CreditStoreContract {

    @Override
    protected CreditStore createStore() {
        return new InMemoryCreditStore();
    }

    @Override
    protected boolean writeCombining() {
        return false;
    }
}
