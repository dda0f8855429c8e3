package dev.credits.stripe;

import dev.credits.jdbc.JdbiCreditStore;
import dev.credits.spi.CreditStore;
import org.h2.jdbcx.JdbcDataSource;

import java.util.UUID;

/** Every delivery-order test of {@link StripeDeliveryOrderTest} again, on an in-memory H2 database per test. */
class H2StripeDeliveryOrderTest extends StripeDeliveryOrderTest {

    @Override
    CreditStore newStore() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:stripe-order-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        JdbiCreditStore store = JdbiCreditStore.builder(dataSource).build();
        store.installSchema();
        return store;
    }
}
