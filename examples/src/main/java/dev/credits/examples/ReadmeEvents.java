package dev.credits.examples;

import dev.credits.AccountSettings;
import dev.credits.CreditLedger;
import dev.credits.EventDispatcher;
import dev.credits.EventPayload;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.memory.InMemoryCreditStore;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The README's section on events and alerts, compiled by the build: the code between the {@code tag} comments is the
 * README's snippet, and {@code ReadmeTest} fails when the two drift apart.
 */
public final class ReadmeEvents {

    private ReadmeEvents() {
    }

    /** The host's mailer (here it only remembers what it sent). */
    static final class Mailer {
        final List<String> sent = new CopyOnWriteArrayList<>();

        void sendLowBalance(String accountId, long available) {
            sent.add(accountId + ": " + available + " credits left");
        }
    }

    static List<String> run() throws InterruptedException {
        Mailer mailer = new Mailer();
        Set<String> handled = ConcurrentHashMap.newKeySet(); // in production: a table with a unique key
        // tag::events[]
        CreditLedger ledger = CreditLedger.builder()
                .store(new InMemoryCreditStore())   // every store: the events commit with the change
                .lowBalanceThreshold(20)            // accounts without a threshold of their own
                .lowBalanceRecoveryMargin(10)       // "recovered" only above 30: no flapping at the line
                .expiryNotice(Duration.ofDays(7))   // CREDITS_EXPIRING_SOON a week ahead, by expireDue()
                .build();
        ledger.openAccount("org_42", AccountSettings.DEFAULTS.withLowBalanceThreshold(50));
        ledger.events().createConsumer("low-balance-emails");  // once; its cursor is durable

        // On every node: one dispatcher per consumer. The consumer's lease lets one node at a time handle it;
        // another takes over within the lease (30 s) when that node dies.
        EventDispatcher emails = ledger.events().dispatcher("low-balance-emails", event -> {
            if (event.payload() instanceof EventPayload.BalanceLow low
                    && handled.add(event.eventId())) {        // at least once: skip what was already handled
                mailer.sendLowBalance(event.accountId(), low.available());
            }
        }).start();

        ledger.saveFeaturePricing(FeatureDefinition.of("report", "Report", 30));
        ledger.grant(GrantRequest.of("org_42", 100));
        ledger.deductCredits("org_42", "report");            // 70 left
        ledger.deductCredits("org_42", "report");            // 40 left: BALANCE_LOW, one email
        // end::events[]
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (mailer.sent.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        emails.close();                                      // stops the thread, gives up the lease
        return mailer.sent;
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println(run());
    }
}
