package dev.credits.examples;

import dev.credits.Balance;
import dev.credits.ChargeResult;
import dev.credits.CreditEvent;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.EventPayload;
import dev.credits.FeatureDefinition;
import dev.credits.CreditPackage;
import dev.credits.HistoryFilter;
import dev.credits.LedgerEntry;
import dev.credits.Money;
import dev.credits.PageRequest;
import dev.credits.RefundResult;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.ReserveRequest;
import dev.credits.UsageField;
import dev.credits.UsageLine;
import dev.credits.UsageQuery;
import dev.credits.UsageReport;
import dev.credits.UsageScope;
import dev.credits.jdbc.JdbiCreditStore;
import org.jdbi.v3.core.Jdbi;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The virtual-staging story from end to end: a price list, the Starter package (100 credits for $199, valid
 * 12 months) bought once though its webhook arrives twice, an AI job billed with {@code charge}, a failed job
 * that costs nothing, 001's flow (an empty-room generation charged through {@code charge}, a retry that fails and is
 * rolled back, then its two free retries and a paid third), a short balance answered with 402, a refund, and the
 * history that explains the balance, and the low-balance alert the spending raised.
 *
 * <p>By default the credits live in an embedded H2 database in the folder the system property
 * {@value #FOLDER_PROPERTY} names ({@code examples/target/credits-demo-db} when run with the command below, which sets
 * it; {@code credits-demo-db} otherwise). Delete it to start over ({@code mvn clean} does); running the program again
 * keeps the credits. Give a JDBC URL to run on PostgreSQL or
 * MariaDB instead:
 *
 * <pre>
 * mvn -q -B -pl examples -am package -DskipTests exec:java
 * mvn -q -B -pl examples -am package -DskipTests exec:java \
 *     -Dexec.args="jdbc:postgresql://127.0.0.1:5432/test?user=postgres"
 * </pre>
 */
public final class QuickStart {

    /** The system property naming the embedded database's folder: {@value}. */
    static final String FOLDER_PROPERTY = "credits.demo.dir";

    private QuickStart() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            JdbiCreditStore store = JdbiCreditStore.builder(Jdbi.create(args[0])).build();
            store.installSchema();  // idempotent: safe at every start
            System.out.println("credits on " + store.dialect() + " at " + args[0]);
            run(CreditLedger.builder().store(store).build());
        } else {
            Path folder = Path.of(System.getProperty(FOLDER_PROPERTY, "credits-demo-db"));
            try (JdbiCreditStore store = JdbiCreditStore.h2File(folder)) {
                System.out.println("credits in the embedded H2 database " + folder.toAbsolutePath()
                        + " (delete the folder to start over)");
                run(CreditLedger.builder().store(store).build());
            }
        }
    }

    /** Plays the story on any ledger; setup is idempotent, so it runs again on the same database. */
    static void run(CreditLedger ledger) {
        String account = "acme_realty";
        String run = UUID.randomUUID().toString().substring(0, 8);  // keeps this run's idempotency keys apart
        ledger.openAccount(account);

        // The price list: an empty-room generation costs 10 (two free retries), staging 10 per styled variant.
        ledger.saveFeaturePricing(FeatureDefinition.of("empty_room_generation", "Empty room generation", 10)
                .withCategory("staging")
                .withFreeRetries(2));
        ledger.saveFeaturePricing(FeatureDefinition.of("virtual_staging", "Virtual staging (per variant)", 10)
                .withCategory("staging"));

        // Credit packages: Starter 100 credits for $199, Professional 500 for $899; credits last 12 months.
        ledger.commerce().savePackage(CreditPackage.of("starter", "Starter", 100, Money.of("199.00", "USD"))
                .withValidity(Period.ofMonths(12)));
        ledger.commerce().savePackage(CreditPackage.of("professional", "Professional", 500, Money.of("899.00", "USD"))
                .withValidity(Period.ofMonths(12)));

        // The agency buys Starter. The purchase id (the payment's id) makes a repeated webhook harmless.
        PurchaseRequest order = PurchaseRequest.ofPackage(account, "starter").withPurchaseId("order-" + run);
        PurchaseResult bought = ledger.commerce().purchase(order);
        PurchaseResult again = ledger.commerce().purchase(order);  // the payment webhook, delivered twice
        System.out.printf("bought %s: %d credits for %s, expiring %s; delivered twice: replayed=%s%n",
                bought.purchase().packageId(), bought.purchase().totalCredits(), bought.purchase().price(),
                bought.lot().expiresAt(), again.replayed());
        say("balance after the purchase", ledger.balance(account));

        // Alerts: tell the account when its balance runs low (here 15 credits below what it has now). The events of
        // every change are written with it; a named consumer reads them after its durable cursor.
        ledger.events().createConsumerAtEnd("quickstart-alerts");
        long threshold = ledger.balance(account).available() - 15;
        ledger.updateAccountSettings(account, ledger.getAccount(account).orElseThrow().settings()
                .withLowBalanceThreshold(threshold));

        // An AI job billed safely: credits are held while it runs and charged when it succeeds.
        ChargeResult<String> staged = ledger.charge(
                ReserveRequest.of(account, "virtual_staging").withQuantity(2).withTimeout(Duration.ofMinutes(2)),
                () -> "living-room-modern.png, living-room-scandi.png");
        if (staged.success()) {
            System.out.printf("staging two variants: %s, charged %d credits%n", staged.value(),
                    staged.commit().creditsCharged());
        } else {
            System.out.printf("staging two variants: %s, the job did not run%n", staged.reason());
        }

        // A job that fails costs nothing: the hold is released and the exception reaches the caller.
        try {
            ledger.charge(account, "empty_room_generation", () -> {
                throw new IllegalStateException("GPU worker crashed");
            });
        } catch (IllegalStateException failed) {
            System.out.println("empty room generation failed (" + failed.getMessage() + "), nothing charged");
        }

        // 001's flow: the empty-room generation is charged before the AI call and rolled back if it fails; the
        // agent then gets 2 free retries of it (new variations), through charge as well.
        ChargeResult<String> room = ledger.charge(ReserveRequest.of(account, "empty_room_generation")
                .withUserId("agent_7").withIdempotencyKey("room-" + run), () -> "empty-room-1.png");
        System.out.printf("empty room generation: %s, %d credits, %d left%n", room.value(),
                room.commit().creditsCharged(), room.commit().remainingCredits());
        ReserveRequest retry = ReserveRequest.of(account, "empty_room_generation")
                .withRetryOf(room.commit().transactionId());
        try {
            ledger.charge(retry, () -> {
                throw new IllegalStateException("AI service timed out");
            });
        } catch (IllegalStateException failed) {
            System.out.println("  a retry failed (" + failed.getMessage() + "): rolled back, its free slot kept");
        }
        for (int i = 0; i < 3; i++) {
            ChargeResult<String> variation = ledger.charge(retry, () -> "empty-room-variation.png");
            System.out.printf("  retry %d: %d credits%n", variation.commit().hold().retryNumber(),
                    variation.commit().creditsCharged());
        }

        // A direct deduction, e.g. from a request handler.
        DeductionResult emptyRoom = ledger.deductCredits(DeductRequest.of(account, "empty_room_generation")
                .withUserId("agent_7")
                .withIdempotencyKey("request-" + run));
        System.out.printf("empty room generation: %d credits, %d left%n", emptyRoom.creditsDeducted(),
                emptyRoom.remainingCredits());

        // Too expensive for the balance: a value the host maps to 402 Payment Required, not an exception.
        DeductionResult tooMuch = ledger.deductCredits(DeductRequest.of(account, "virtual_staging").withQuantity(50));
        if (!tooMuch.success()) {
            System.out.printf("staging 50 variants: HTTP %d %s (required %d, available %d)%n",
                    tooMuch.reason().httpStatus(), tooMuch.reason(), tooMuch.required(), tooMuch.available());
        }

        // The user disputes the empty room generation: refund it to the lot it came from.
        RefundResult refund = ledger.refundCredits(emptyRoom.transactionId(), "user disputed the result",
                "refund-" + run);
        System.out.printf("refunded %d credits, %d available%n", refund.creditsRefunded(), refund.remainingCredits());

        say("balance at the end", ledger.balance(account));
        // What a host's listener would mail: the low-balance alert (delivered at least once: key it by event id).
        for (CreditEvent event : ledger.events().poll("quickstart-alerts", 100)) {
            if (event.payload() instanceof EventPayload.BalanceLow low && event.accountId().equals(account)) {
                System.out.printf("low-balance alert (event %s): %s has %d credits left, threshold %d%n",
                        event.eventId(), event.accountId(), low.available(), low.threshold());
            }
            ledger.events().acknowledge("quickstart-alerts", event.position());
        }
        System.out.println("history, newest first:");
        for (LedgerEntry entry : ledger.history(account, HistoryFilter.all(), PageRequest.first(20)).entries()) {
            System.out.printf("  #%-3d %-9s %+5d -> %4d  %s%n", entry.sequence(), entry.type(), entry.amount(),
                    entry.balanceAfter(), entry.featureKey() == null ? "" : entry.featureKey());
        }
        // Today's usage by feature (UTC days): reports sum rows the ledger keeps with the entries, so this stays as
        // fast when the account has a year of history.
        Instant today = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        UsageReport usage = ledger.reports().usage(UsageQuery.builder(UsageScope.account(account), today,
                today.plus(Duration.ofDays(1))).groupBy(UsageField.FEATURE).build());
        System.out.println("usage today:");
        System.out.printf("  %-24s %5s %8s %9s %5s%n", "feature", "uses", "charged", "refunded", "net");
        for (UsageLine line : usage.lines()) {
            System.out.printf("  %-24s %5d %8d %9d %5d%n", line.group().featureKey(), line.deductions(),
                    line.charged(), line.refunded(), line.net());
        }
    }

    private static void say(String what, Balance balance) {
        System.out.printf("%s: %d available, %d held, next expiry %s%n", what, balance.available(), balance.held(),
                balance.nextExpiry());
    }
}
