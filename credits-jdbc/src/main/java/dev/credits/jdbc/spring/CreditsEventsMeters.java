package dev.credits.jdbc.spring;

import dev.credits.CreditLedger;
import dev.credits.EventConsumer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * The outbox as Micrometer gauges, read from the store when the registry is scraped:
 * <ul>
 * <li>{@code credits.events.position}: the latest numbered event position;</li>
 * <li>{@code credits.events.lag}: how many numbered events the slowest consumer has not acknowledged yet (0 with no
 * consumer). Events are numbered when a consumer polls, so a consumer that stopped polling shows its lag as of its
 * last poll plus whatever other consumers numbered since.</li>
 * </ul>
 * A scrape that cannot reach the database reports NaN rather than failing the scrape.
 */
public class CreditsEventsMeters implements MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(CreditsEventsMeters.class);

    private final Supplier<CreditLedger> ledger;

    /**
     * @param ledger whose outbox is measured, asked on each scrape (a registry may bind meters before the ledger
     *               exists); null from it reads as NaN
     */
    public CreditsEventsMeters(Supplier<CreditLedger> ledger) {
        this.ledger = ledger;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("credits.events.position", this, CreditsEventsMeters::position)
                .description("The latest numbered position of the credits outbox")
                .register(registry);
        Gauge.builder("credits.events.lag", this, CreditsEventsMeters::lag)
                .description("Numbered events the slowest credits event consumer has not acknowledged")
                .register(registry);
    }

    private double position() {
        CreditLedger ledger = this.ledger.get();
        if (ledger == null) {
            return Double.NaN;
        }
        try {
            return ledger.events().latestPosition();
        } catch (RuntimeException e) {
            LOG.debug("credits.events.position: the store did not answer", e);
            return Double.NaN;
        }
    }

    private double lag() {
        CreditLedger ledger = this.ledger.get();
        if (ledger == null) {
            return Double.NaN;
        }
        try {
            long latest = ledger.events().latestPosition();
            long slowest = ledger.events().consumers().stream().mapToLong(EventConsumer::cursor).min().orElse(latest);
            return Math.max(0, latest - slowest);
        } catch (RuntimeException e) {
            LOG.debug("credits.events.lag: the store did not answer", e);
            return Double.NaN;
        }
    }
}
