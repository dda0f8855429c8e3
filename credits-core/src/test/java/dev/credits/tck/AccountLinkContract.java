package dev.credits.tck;

import dev.credits.AccountLink;
import dev.credits.CreditLedger;
import dev.credits.InvalidArgumentException;
import dev.credits.UnknownAccountException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Account links: an external reference (a Stripe subscription, a customer id) resolves to one account, written
 * once, store-wide and durable, exact to the character, and never a change of the account itself.
 */
public interface AccountLinkContract extends ContractFixture {

    /** @return a reference no other test uses */
    private static String newReference(String kind) {
        return "test:" + kind + "_" + UUID.randomUUID();
    }

    @Test
    default void aLinkIsFoundByItsReferenceWithItsDetailAndTime() {
        String accountId = openAccount();
        String reference = newReference("sub");
        advance(Duration.ofMillis(1234));

        AccountLink linked = ledger().linkAccount(reference, accountId, "pro_plan");

        assertEquals(new AccountLink(reference, accountId, "pro_plan", now()), linked);
        assertEquals(Optional.of(linked), ledger().findAccountLink(reference));
        assertEquals(Optional.of(linked), newLedger().findAccountLink(reference), "store-wide");
        assertEquals(Optional.empty(), ledger().findAccountLink(newReference("sub")));
    }

    @Test
    default void aLinkWithoutDetail() {
        String accountId = openAccount();
        String reference = newReference("cus");

        AccountLink linked = ledger().linkAccount(reference, accountId);

        assertEquals(null, linked.detail());
        assertEquals(Optional.of(linked), ledger().findAccountLink(reference));
    }

    @Test
    default void theFirstLinkWinsAndNeverChanges() {
        String first = openAccount();
        String second = openAccount();
        String reference = newReference("sub");
        AccountLink linked = ledger().linkAccount(reference, first, "basic");
        advance(Duration.ofSeconds(5));

        assertEquals(linked, ledger().linkAccount(reference, first, "basic"), "the same link again");
        assertEquals(linked, ledger().linkAccount(reference, first, "pro"), "another detail");
        assertEquals(linked, ledger().linkAccount(reference, second), "another account");
        assertEquals(linked, newLedger().linkAccount(reference, second, "pro"), "another ledger");

        assertEquals(Optional.of(linked), ledger().findAccountLink(reference));
    }

    @Test
    default void linkingChangesNothingOfTheAccount() {
        String accountId = openFunded(100);
        AccountState before = state(accountId);

        ledger().linkAccount(newReference("sub"), accountId, "basic");

        assertUnchanged(before, accountId);
    }

    @Test
    default void anUnknownAccountCannotBeLinked() {
        String reference = newReference("sub");

        assertThrows(UnknownAccountException.class, () -> ledger().linkAccount(reference, newAccountId()));

        assertEquals(Optional.empty(), ledger().findAccountLink(reference), "nothing was linked");
    }

    @Test
    default void malformedReferencesDetailsAndAccountIdsAreRejectedAndLinkNothing() {
        String accountId = openAccount();
        String tooLong = "r".repeat(129);
        for (String bad : Arrays.asList(null, "", "   ", tooLong, "stripe:sub\n1", "stripe:\u0000")) {
            assertThrows(InvalidArgumentException.class, () -> ledger().linkAccount(bad, accountId),
                    "reference " + bad);
            if (bad != null) {
                assertThrows(InvalidArgumentException.class, () -> ledger().findAccountLink(bad), "find " + bad);
            }
        }
        String reference = newReference("sub");
        for (String bad : Arrays.asList("", "  ", tooLong, "basic\tplan")) {
            assertThrows(InvalidArgumentException.class, () -> ledger().linkAccount(reference, accountId, bad),
                    "detail " + bad);
        }
        assertThrows(InvalidArgumentException.class, () -> ledger().linkAccount(reference, ""));
        assertThrows(InvalidArgumentException.class, () -> ledger().linkAccount(reference, null));
        assertThrows(InvalidArgumentException.class, () -> ledger().findAccountLink(null));
        assertEquals(Optional.empty(), ledger().findAccountLink(reference), "nothing was linked");
    }

    @Test
    default void referencesAndDetailsOfTheLongestLengthAndAnyScriptRoundTrip() {
        String accountId = openAccount();
        String longest = newReference("x");
        longest = longest + "y".repeat(128 - longest.length());
        String detail = "d".repeat(128);
        String unicode = newReference("kunde") + "-Zürich-東京-🙂";

        assertEquals(Optional.of(ledger().linkAccount(longest, accountId, detail)),
                ledger().findAccountLink(longest));
        assertEquals(Optional.of(ledger().linkAccount(unicode, accountId, "plan-ü")),
                ledger().findAccountLink(unicode));
        assertEquals(detail, ledger().findAccountLink(longest).orElseThrow().detail());
        assertEquals("plan-ü", ledger().findAccountLink(unicode).orElseThrow().detail());
    }

    @Test
    default void referencesCompareExactly() {
        String lower = openAccount();
        String upper = openAccount();
        String spaced = openAccount();
        String base = newReference("sub").toLowerCase(java.util.Locale.ROOT);

        ledger().linkAccount(base, lower);
        ledger().linkAccount(base.toUpperCase(java.util.Locale.ROOT), upper);
        ledger().linkAccount(base + " ", spaced);

        assertEquals(lower, ledger().findAccountLink(base).orElseThrow().accountId());
        assertEquals(upper, ledger().findAccountLink(base.toUpperCase(java.util.Locale.ROOT)).orElseThrow()
                .accountId(), "case-sensitive");
        assertEquals(spaced, ledger().findAccountLink(base + " ").orElseThrow().accountId(),
                "a trailing space is part of the reference");
    }

    @Test
    default void concurrentLinksOfOneReferenceWriteExactlyOne() throws Exception {
        int threads = Math.max(2, workloadSize().threads());
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            accounts.add(openAccount());
        }
        List<CreditLedger> ledgers = List.of(ledger(), newLedger());
        for (int round = 0; round < 5; round++) {
            String reference = newReference("race");
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<AccountLink>> futures = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    CreditLedger ledger = ledgers.get(i % ledgers.size());
                    String accountId = accounts.get(i);
                    futures.add(pool.submit(() -> {
                        go.await();
                        return ledger.linkAccount(reference, accountId, "t" + accountId.hashCode());
                    }));
                }
                go.countDown();
                List<AccountLink> results = new ArrayList<>();
                for (Future<AccountLink> future : futures) {
                    results.add(future.get(60, TimeUnit.SECONDS));
                }
                AccountLink winner = ledger().findAccountLink(reference).orElseThrow();
                assertTrue(accounts.contains(winner.accountId()));
                for (AccountLink result : results) {
                    assertEquals(winner, result, "every caller sees the one stored link");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
