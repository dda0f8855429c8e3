package dev.credits.jdbc.spring;

import dev.credits.CreditLedger;
import dev.credits.LedgerObserver;
import dev.credits.jdbc.JdbiCreditStore;
import dev.credits.spi.CreditStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;

import javax.sql.DataSource;
import java.util.List;

/**
 * Credits in a Spring Boot application, each bean replaceable by one of the host's:
 * <ul>
 * <li>a {@link JdbiCreditStore} on the application's {@link DataSource} ({@code credits.table-prefix},
 * {@code credits.dialect}, {@code credits.lock-timeout}, {@code credits.max-retries}); with
 * {@code credits.schema.mode=library} (default) it installs or upgrades its tables at start-up, with {@code none} the
 * host's Flyway or Liquibase does, and the store is created after them ({@link DependsOnDatabaseInitialization});</li>
 * <li>the {@link CreditLedger} on it, told about calls by every {@link LedgerObserver} bean and changed by every
 * {@link CreditLedgerCustomizer} bean ({@code credits.holds.*});</li>
 * <li>the periodic {@link CreditsSweep} ({@code credits.sweep.enabled}, {@code credits.sweep.interval}), safe on every
 * node;</li>
 * <li>with the actuator, the {@code credits} health indicator ({@link CreditsHealthAutoConfiguration});</li>
 * <li>with a Micrometer {@link MeterRegistry}, the {@link MicrometerLedgerObserver} meters and the outbox's
 * {@link CreditsEventsMeters} gauges (events lag);</li>
 * <li>in a Spring MVC application, {@link CreditsExceptionHandler}: problem details for ledger exceptions.</li>
 * </ul>
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(CreditLedger.class)
@EnableConfigurationProperties(CreditsProperties.class)
public class CreditsAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(CreditsAutoConfiguration.class);

    /**
     * @return the store on the application's data source, its schema installed unless
     *         {@code credits.schema.mode=none}
     */
    @Bean
    @ConditionalOnMissingBean(CreditStore.class)
    @ConditionalOnSingleCandidate(DataSource.class)
    @DependsOnDatabaseInitialization
    public JdbiCreditStore creditStore(DataSource dataSource, CreditsProperties properties) {
        JdbiCreditStore.Builder builder = JdbiCreditStore.builder(dataSource)
                .tablePrefix(properties.getTablePrefix())
                .lockTimeout(properties.getLockTimeout())
                .maxRetries(properties.getMaxRetries());
        if (properties.getDialect() != null) {
            builder.dialect(properties.getDialect());
        }
        JdbiCreditStore store = builder.build();
        if (properties.getSchema().getMode() == CreditsProperties.SchemaMode.LIBRARY) {
            store.installSchema();
        } else {
            LOG.debug("credits.schema.mode=none: the host's migrations own the credits tables");
        }
        return store;
    }

    /** @return the ledger on the store */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(CreditStore.class)
    public CreditLedger creditLedger(CreditStore store, CreditsProperties properties,
                                     ObjectProvider<LedgerObserver> observers,
                                     ObjectProvider<CreditLedgerCustomizer> customizers) {
        CreditLedger.Builder builder = CreditLedger.builder()
                .store(store)
                .defaultHoldTimeout(properties.getHolds().getDefaultTimeout())
                .maxHoldTimeout(properties.getHolds().getMaxTimeout());
        List<LedgerObserver> all = observers.orderedStream().toList();
        if (all.size() == 1) {
            builder.observer(all.get(0));
        } else if (!all.isEmpty()) {
            builder.observer(call -> all.forEach(observer -> observer.onCall(call)));
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /** @return the periodic sweep */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(CreditLedger.class)
    @ConditionalOnProperty(prefix = "credits.sweep", name = "enabled", havingValue = "true", matchIfMissing = true)
    public CreditsSweep creditsSweep(CreditLedger ledger, CreditsProperties properties) {
        return new CreditsSweep(ledger, properties.getSweep().getInterval());
    }

    /** The meters, when a Micrometer registry is there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(MeterRegistry.class)
        MicrometerLedgerObserver creditsMetricsObserver(MeterRegistry registry) {
            return new MicrometerLedgerObserver(registry);
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(MeterRegistry.class)
        CreditsEventsMeters creditsEventsMeters(ObjectProvider<CreditLedger> ledger) {
            return new CreditsEventsMeters(ledger::getIfAvailable);
        }
    }

    /** Problem details for exceptions, in a Spring MVC application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(ProblemDetail.class)
    static class Web {

        @Bean
        @ConditionalOnMissingBean
        CreditsExceptionHandler creditsExceptionHandler() {
            return new CreditsExceptionHandler();
        }
    }
}
