package dev.credits.examples;

// tag::plain-java-imports[]
import dev.credits.CreditLedger;
import dev.credits.jdbc.Dialect;
import dev.credits.jdbc.JdbiCreditStore;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;
// end::plain-java-imports[]

/**
 * The README's plain Java set-up, compiled by the build: the code between the {@code tag} comments is the README's
 * snippets, and {@code ReadmeTest} fails when they drift apart.
 */
public final class ReadmePlainJava {

    private ReadmePlainJava() {
    }

    /** Stands in for the host's application. */
    static void runApplication(CreditLedger ledger) {
        ledger.openAccount("org_42");
    }

    static void embedded() {
        // tag::plain-java-embedded[]
        try (JdbiCreditStore store = JdbiCreditStore.h2File(Path.of("credits-db"))) {
            CreditLedger ledger = CreditLedger.builder().store(store).build();
            runApplication(ledger);          // yours; closing the store closes its database
        }
        // end::plain-java-embedded[]
    }

    static CreditLedger onYourDatabase(DataSource dataSource) {
        // tag::plain-java-pool[]
        JdbiCreditStore store = JdbiCreditStore.builder(dataSource)   // or builder(jdbi)
                .tablePrefix("credits_")      // default credits_
                .dialect(Dialect.POSTGRESQL)  // default: detected from the connection
                .maxRetries(5)                // default 5: reruns after a deadlock or serialization failure
                .lockTimeout(Duration.ofSeconds(10)) // default 10 s: then LockTimeoutException, nothing changed
                .build();
        store.installSchema();                // creates or upgrades the tables, safe at every start; or Flyway/Liquibase
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        // end::plain-java-pool[]
        return ledger;
    }
}
