package dev.credits.jdbc.spring;

import dev.credits.CreditLedger;
import dev.credits.DeductionResult;
import dev.credits.ExpiryReport;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.RejectionReason;
import dev.credits.jdbc.JdbiCreditStore;
import dev.credits.memory.InMemoryCreditStore;
import dev.credits.spi.CreditStore;
import dev.credits.testkit.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The auto-configuration on H2, with Spring Boot's ApplicationContextRunner. */
class CreditsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CreditsAutoConfiguration.class,
                    CreditsHealthAutoConfiguration.class));

    private static DataSource h2() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:credits-spring-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return dataSource;
    }

    @Test
    void aDataSourceGetsAStoreWithItsSchemaALedgerASweepAndAHealthIndicator() {
        runner.withBean(DataSource.class, CreditsAutoConfigurationTest::h2).run(context -> {
            assertThat(context).hasSingleBean(JdbiCreditStore.class).hasSingleBean(CreditLedger.class)
                    .hasSingleBean(CreditsSweep.class).hasBean("creditsHealthIndicator");
            CreditLedger ledger = context.getBean(CreditLedger.class);
            ledger.openAccount("org_1");
            ledger.saveFeaturePricing(FeatureDefinition.of("image", "Image", 5));
            ledger.grant(GrantRequest.of("org_1", 8));
            assertThat(ledger.deductCredits("org_1", "image").success()).isTrue();
            assertThat(context.getBean(CreditsHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
            assertThat(context.getBean(CreditsSweep.class).isRunning()).isTrue();
        });
    }

    @Test
    void propertiesReachTheStoreAndTheLedger() {
        runner.withBean(DataSource.class, CreditsAutoConfigurationTest::h2)
                .withPropertyValues("credits.table-prefix=shop_credits_", "credits.holds.default-timeout=30s",
                        "credits.sweep.enabled=false")
                .run(context -> {
                    assertThat(context.getBean(JdbiCreditStore.class).tablePrefix()).isEqualTo("shop_credits_");
                    assertThat(context).doesNotHaveBean(CreditsSweep.class);
                    CreditLedger ledger = context.getBean(CreditLedger.class);
                    ledger.openAccount("org_1");
                    ledger.saveFeaturePricing(FeatureDefinition.of("video", "Video", 1));
                    ledger.grant(GrantRequest.of("org_1", 1));
                    Instant start = ledger.clock().instant();
                    Instant deadline = ledger.reserve(
                            dev.credits.ReserveRequest.of("org_1", "video")).hold().expiresAt();
                    assertThat(Duration.between(start, deadline)).isBetween(Duration.ofSeconds(29),
                            Duration.ofSeconds(31));
                });
    }

    @Test
    void schemaModeNoneLeavesTheTablesToTheHostSoPingFails() {
        runner.withBean(DataSource.class, CreditsAutoConfigurationTest::h2)
                .withPropertyValues("credits.schema.mode=none")
                .run(context -> {
                    assertThat(context).hasSingleBean(JdbiCreditStore.class);
                    assertThat(context.getBean(CreditsHealthIndicator.class).health().getStatus())
                            .isEqualTo(Status.DOWN);
                    context.getBean(JdbiCreditStore.class).installSchema();
                    assertThat(context.getBean(CreditsHealthIndicator.class).health().getStatus())
                            .isEqualTo(Status.UP);
                });
    }

    @Test
    void hostBeansWin() {
        CreditLedger own = CreditLedger.builder().store(new InMemoryCreditStore()).build();
        runner.withBean(DataSource.class, CreditsAutoConfigurationTest::h2)
                .withBean(CreditLedger.class, () -> own)
                .run(context -> assertThat(context.getBean(CreditLedger.class)).isSameAs(own));
        runner.withBean(CreditStore.class, InMemoryCreditStore::new).run(context -> {
            assertThat(context).doesNotHaveBean(JdbiCreditStore.class).hasSingleBean(CreditLedger.class);
            assertThat(context.getBean(CreditsHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void withoutADataSourceOrStoreNothingIsCreated() {
        runner.run(context -> assertThat(context).doesNotHaveBean(CreditStore.class)
                .doesNotHaveBean(CreditLedger.class).doesNotHaveBean(CreditsSweep.class));
    }

    @Test
    void aMeterRegistryCountsCallsAndRejectionsByReason() {
        runner.withBean(CreditStore.class, InMemoryCreditStore::new)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context).hasSingleBean(MicrometerLedgerObserver.class);
                    CreditLedger ledger = context.getBean(CreditLedger.class);
                    ledger.openAccount("org_1");
                    ledger.saveFeaturePricing(FeatureDefinition.of("image", "Image", 5));
                    ledger.grant(GrantRequest.of("org_1", 5));
                    ledger.deductCredits("org_1", "image");
                    DeductionResult rejected = ledger.deductCredits("org_1", "image");
                    assertThat(rejected.reason()).isEqualTo(RejectionReason.INSUFFICIENT_CREDITS);

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("credits.calls").tag("call", "deductCredits").tag("outcome", "success")
                            .timer().count()).isEqualTo(1);
                    assertThat(registry.get("credits.calls").tag("call", "deductCredits").tag("outcome", "rejected")
                            .timer().count()).isEqualTo(1);
                    assertThat(registry.get("credits.rejections").tag("reason", "INSUFFICIENT_CREDITS")
                            .counter().count()).isEqualTo(1.0);
                });
    }

    @Test
    void theOutboxGaugesShowTheSlowestConsumersLag() {
        runner.withBean(CreditStore.class, InMemoryCreditStore::new)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    // Spring Boot's actuator binds MeterBinder beans to its registries; this test's registry is bare.
                    context.getBean(CreditsEventsMeters.class).bindTo(registry);
                    CreditLedger ledger = context.getBean(CreditLedger.class);
                    assertThat(registry.get("credits.events.lag").gauge().value()).isEqualTo(0.0);
                    ledger.events().createConsumer("emails");
                    ledger.openAccount("org_1");
                    ledger.grant(GrantRequest.of("org_1", 5));
                    ledger.grant(GrantRequest.of("org_1", 5));
                    double position = registry.get("credits.events.position").gauge().value();
                    assertThat(position).isGreaterThanOrEqualTo(2.0);
                    assertThat(registry.get("credits.events.lag").gauge().value()).isEqualTo(position);
                });
    }

    @Test
    void customizersAndObserverBeansReachTheLedger() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        java.util.List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        runner.withBean(CreditStore.class, InMemoryCreditStore::new)
                .withBean(CreditLedgerCustomizer.class, () -> builder -> builder.clock(clock))
                .withBean(dev.credits.LedgerObserver.class, () -> call -> calls.add(call.name()))
                .withPropertyValues("credits.sweep.interval=1h")
                .run(context -> {
                    CreditLedger ledger = context.getBean(CreditLedger.class);
                    assertThat(ledger.clock()).isSameAs(clock);
                    ledger.openAccount("org_1");
                    ledger.grant(GrantRequest.of("org_1", 5).withExpiresAt(clock.instant().plusSeconds(60)));
                    clock.advance(Duration.ofMinutes(2));
                    ExpiryReport report = context.getBean(CreditsSweep.class).sweepNow();
                    assertThat(report.accountsFailed()).isZero();
                    assertThat(ledger.balance("org_1").total()).isZero();
                    assertThat(calls).contains("openAccount", "grant", "expireDue");
                });
    }
}
