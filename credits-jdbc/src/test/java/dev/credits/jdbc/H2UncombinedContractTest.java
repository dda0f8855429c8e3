package dev.credits.jdbc;

/** The store contract (TCK) on H2 with write-combining off: each call its own transaction. Always runs. */
class H2UncombinedContractTest extends H2CreditStoreContractTest {

    @Override
    protected boolean writeCombining() {
        return false;
    }
}
