package dev.credits.jdbc.bench;

import dev.credits.CreditLedger;
import dev.credits.FeatureDefinition;
import dev.credits.SystemSummary;
import dev.credits.UsageBucket;
import dev.credits.UsageField;
import dev.credits.UsageQuery;
import dev.credits.UsageReport;
import dev.credits.UsageScope;
import dev.credits.jdbc.JdbiCreditStore;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The reports rows of the load harness (PostgreSQL): usage by day over 30 days for one account whose history holds
 * 1,000 vs 1,000,000 entries (the same last 30 days, the big one with ~82 years of older history before them), and a
 * system summary over the harness's 10,000 accounts. The cost of usage rows to a deduction is measured by
 * {@link LoadHarness} itself (interleaved load runs with and without them, {@link WithoutUsageRows}).
 */
final class ReportBench {
    /** The end of both growth histories: whole days, far enough ahead that a million entries start after 1970. */
    static final Instant END = Instant.parse("2100-01-01T00:00:00Z");
    /** The spacing that puts 1,000 entries in exactly 30 days. */
    static final long SPACING_MICROS = Duration.ofDays(30).toNanos() / 1000 / 1000;

    private final Consumer<String> log;

    ReportBench(Consumer<String> log) {
        this.log = log;
    }

    private interface Call {
        Object call(CreditLedger ledger);
    }

    /** @return the report's growth table */
    String growth(BenchDatabase.Postgres database, DataSource admin, String feature, long small, long big,
                  int samples) throws Exception {
        CreditLedger[] ledgers = {side(database, admin, "r_small_", feature, small),
                side(database, admin, "r_big_", feature, big)};
        BenchDatabase.execute(admin, "VACUUM ANALYZE");
        Instant from = END.minus(Duration.ofDays(30));
        UsageQuery query = UsageQuery.builder(UsageScope.account("growth"), from, END).bucket(UsageBucket.DAY)
                .groupBy(UsageField.FEATURE).build();
        UsageReport smallReport = ledgers[0].reports().usage(query);
        UsageReport bigReport = ledgers[1].reports().usage(query);
        log.accept(String.format("reports: the 30 days hold %d lines, %,d credits net (1,000 entries) and %d lines,"
                + " %,d credits net (%,d entries)", smallReport.lines().size(), smallReport.net(),
                bigReport.lines().size(), bigReport.net(), big));
        String line = timed("usage by day, 30 days, by feature", ledgers, samples, ledger -> ledger.reports()
                .usage(query));
        return "### Reports: usage by day over 30 days, one account of 1,000 vs " + String.format("%,d", big)
                + " entries (PostgreSQL)\n\n"
                + String.format("One thread, %,d timed calls per ledger after %,d warm-up calls, the ledgers alternating"
                + " in rounds. Both histories end on the same 30 days (1,000 entries %d s apart: %d lines of the"
                + " report, %,d credits net); the big one has %,d older entries before them, over ~%d years"
                + " (GrowthLedger, with its usage rows).%n%n", samples, samples / 4, SPACING_MICROS / 1_000_000,
                smallReport.lines().size(), smallReport.net(), big - small,
                big * SPACING_MICROS / 1_000_000 / 86_400 / 365)
                + "| query | 1,000 entries p50 ms | " + String.format("%,d", big) + " entries p50 ms | ratio p50 |"
                + " 1,000 mean ms | " + String.format("%,d", big) + " mean ms | ratio mean |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n| " + line + " |\n\n";
    }

    private CreditLedger side(BenchDatabase.Postgres database, DataSource admin, String prefix, String feature,
                              long entries) throws Exception {
        JdbiCreditStore store = database.store(prefix, 2, null);
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        ledger.saveFeaturePricing(FeatureDefinition.of(feature, "Bench deduction", 1));
        ledger.openAccount("growth");
        long started = System.nanoTime();
        GrowthLedger.build(admin, prefix, "growth", feature, entries, SPACING_MICROS,
                ChronoUnit.MICROS.between(Instant.EPOCH, END));
        log.accept(String.format("reports: built %,d entries in %.1f s: %s", entries,
                (System.nanoTime() - started) / 1e9, GrowthLedger.check(admin, prefix, "growth")));
        return ledger;
    }

    /** @return the line: name, p50 and mean of both ledgers with their ratios */
    private String timed(String name, CreditLedger[] ledgers, int samples, Call call) {
        int rounds = 10;
        for (CreditLedger ledger : ledgers) {
            for (int i = 0; i < samples / 4; i++) {
                call.call(ledger);
            }
        }
        LatencyHistogram[] histograms = {new LatencyHistogram(), new LatencyHistogram()};
        for (int round = 0; round < rounds; round++) {
            for (int s = 0; s < ledgers.length; s++) {
                for (int i = 0; i < samples / rounds; i++) {
                    long begin = System.nanoTime();
                    call.call(ledgers[s]);
                    histograms[s].record((System.nanoTime() - begin) / 1000);
                }
            }
        }
        double p50Small = histograms[0].percentileMillis(50);
        double p50Big = histograms[1].percentileMillis(50);
        String line = String.join(" | ", name, ms(p50Small), ms(p50Big), LoadHarness.ratio(p50Big / p50Small),
                ms(histograms[0].meanMillis()), ms(histograms[1].meanMillis()),
                LoadHarness.ratio(histograms[1].meanMillis() / histograms[0].meanMillis()));
        log.accept("reports: " + line);
        return line;
    }

    /** @return the system summary's figures over the ledger's accounts, {@code samples} timed calls */
    String systemSummary(CreditLedger ledger, int accounts, Instant from, Instant to, int samples) {
        SystemSummary summary = ledger.reports().systemSummary(from, to);
        for (int i = 0; i < samples / 4; i++) {
            ledger.reports().systemSummary(from, to);
        }
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < samples; i++) {
            long begin = System.nanoTime();
            ledger.reports().systemSummary(from, to);
            histogram.record((System.nanoTime() - begin) / 1000);
        }
        String line = String.format(Locale.ROOT, "system summary over %,d accounts (%,d credits consumed in the"
                        + " window, top 10): p50 %s ms, p95 %s ms, mean %s ms (%,d calls, one thread)",
                accounts, summary.flows(CreditLedger.DEFAULT_CREDIT_TYPE).consumed(), ms(histogram.percentileMillis(50)),
                ms(histogram.percentileMillis(95)), ms(histogram.meanMillis()), samples);
        log.accept("reports: " + line);
        return line;
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, millis < 1 ? "%.3f" : millis < 10 ? "%.2f" : "%.1f", millis);
    }
}
