package dev.credits.tck;

import dev.credits.Account;
import dev.credits.AccountSettings;
import dev.credits.Balance;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.GrantResult;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.spi.CreditStore;
import dev.credits.testkit.MutableClock;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the contract tests see of their fixture: the ledger under test on a fresh {@link CreditStore}, its
 * clock, and helpers that open uniquely named accounts and features, so that a store shared by many tests (one
 * database) keeps every test isolated. Implemented by {@link CreditStoreContract}; each area of the contract is
 * an interface extending this one with {@code @Test} default methods.
 */
public interface ContractFixture {

    /** The instant every test starts at: a whole second, so instants survive any store's precision. */
    Instant START = Instant.parse("2025-01-01T00:00:00Z");

    /** @return the ledger under test (built on {@link #store()} with {@link #clock()}) */
    CreditLedger ledger();

    /** @return the clock of every ledger of this test; it stands still at {@link #START} until moved */
    MutableClock clock();

    /** @return the store under test */
    CreditStore store();

    /** @return a second ledger on the same store and clock (another "JVM") */
    CreditLedger newLedger();

    /** @return a ledger on the same store and clock with builder settings changed by {@code customizer} */
    CreditLedger newLedger(UnaryOperator<CreditLedger.Builder> customizer);

    /** @return how many threads and operations per thread the concurrency tests run */
    WorkloadSize workloadSize();

    /** The size of a concurrent workload. */
    record WorkloadSize(int threads, int operationsPerThread) {
    }

    // ---------------------------------------------------------------- names

    /** @return a fresh account id: {@code "acct-" + UUID}, never opened */
    default String newAccountId() {
        return "acct-" + UUID.randomUUID();
    }

    /** @return a fresh feature key starting with {@code name} (lowercase words joined by {@code _}) */
    default String newFeatureKey(String name) {
        return name + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** @return the clock's instant */
    default Instant now() {
        return clock().instant();
    }

    /** Moves the clock forward. @return the new instant */
    default Instant advance(Duration duration) {
        return clock().advance(duration);
    }

    // ---------------------------------------------------------------- setup helpers

    /** @return the id of a newly opened account with default settings */
    default String openAccount() {
        String accountId = newAccountId();
        ledger().openAccount(accountId);
        return accountId;
    }

    /** @return the id of a newly opened account with an overdraft limit */
    default String openAccountWithOverdraft(long overdraftLimit) {
        String accountId = newAccountId();
        ledger().openAccount(accountId, AccountSettings.DEFAULTS.withOverdraftLimit(overdraftLimit));
        return accountId;
    }

    /** @return the id of a newly opened account holding one lot of {@code amount} default credits */
    default String openFunded(long amount) {
        String accountId = openAccount();
        grant(accountId, amount);
        return accountId;
    }

    /** Grants {@code amount} default credits (source ADMIN, default priority, no expiry). */
    default GrantResult grant(String accountId, long amount) {
        return ledger().grant(GrantRequest.of(accountId, amount));
    }

    /** Grants {@code amount} default credits that expire at {@code expiresAt}. */
    default GrantResult grantExpiring(String accountId, long amount, Instant expiresAt) {
        return ledger().grant(GrantRequest.of(accountId, amount).withExpiresAt(expiresAt));
    }

    /** @return the key of a new active feature costing {@code price} default credits per unit */
    default String feature(String name, long price) {
        return feature(name, price, CreditLedger.DEFAULT_CREDIT_TYPE);
    }

    /** @return the key of a new active feature costing {@code price} per unit in {@code creditType} */
    default String feature(String name, long price, String creditType) {
        String key = newFeatureKey(name);
        ledger().createFeaturePricing(FeatureDefinition.of(key, "Feature " + name, price).withCreditType(creditType));
        return key;
    }

    /** Deducts {@code quantity} units and asserts that it succeeded. */
    default DeductionResult deductOk(String accountId, String featureKey, long quantity) {
        DeductionResult result = ledger().deductCredits(DeductRequest.of(accountId, featureKey).withQuantity(quantity));
        assertTrue(result.success(), () -> "deduction expected to succeed: " + result);
        return result;
    }

    // ---------------------------------------------------------------- reads

    /** @return the default-credit balance */
    default Balance balance(String accountId) {
        return ledger().balance(accountId);
    }

    /** @return the available default credits */
    default long available(String accountId) {
        return ledger().balance(accountId).available();
    }

    /** @return the account's sequence number */
    default long sequence(String accountId) {
        return ledger().getAccount(accountId).orElseThrow().sequence();
    }

    /** @return every entry of the account, newest first */
    default List<LedgerEntry> entries(String accountId) {
        return LedgerInvariants.allEntries(ledger(), accountId);
    }

    /** @return the live default-credit lot with this id (fails if it is not live) */
    default Lot lot(String accountId, String lotId) {
        return ledger().balance(accountId).lots().stream().filter(lot -> lot.lotId().equals(lotId)).findFirst()
                .orElseThrow(() -> new AssertionError("lot " + lotId + " is not live"));
    }

    /** @return the remaining credits of a default-credit lot, 0 if it is no longer live */
    default long remaining(String accountId, String lotId) {
        return ledger().balance(accountId).lots().stream().filter(lot -> lot.lotId().equals(lotId))
                .mapToLong(Lot::remaining).findFirst().orElse(0);
    }

    // ---------------------------------------------------------------- "nothing changed"

    /** Everything a caller can see of one account. */
    record AccountState(Account account, Map<String, Balance> balances, List<LedgerEntry> entries) {
    }

    /** @return everything a caller can see of the account now */
    default AccountState state(String accountId) {
        return new AccountState(ledger().getAccount(accountId).orElseThrow(), ledger().balances(accountId),
                entries(accountId));
    }

    /** Asserts that the account looks exactly as it did: account (sequence included), balances, lots, history. */
    default void assertUnchanged(AccountState before, String accountId) {
        AccountState after = state(accountId);
        assertEquals(before.account(), after.account(), "account changed");
        assertEquals(before.balances(), after.balances(), "balances changed");
        assertEquals(before.entries(), after.entries(), "history changed");
    }

    /** Asserts that {@code call} throws {@code type} and leaves the account exactly as it was. */
    default <T extends Throwable> T assertThrowsUnchanged(Class<T> type, String accountId, Executable call) {
        AccountState before = state(accountId);
        T thrown = assertThrows(type, call);
        assertUnchanged(before, accountId);
        return thrown;
    }

    /** Runs the invariant checker on the account with its own overdraft limit. */
    default void assertInvariants(String accountId) {
        long overdraftLimit = ledger().getAccount(accountId).orElseThrow().overdraftLimit();
        LedgerInvariants.assertHold(ledger(), accountId, overdraftLimit);
    }
}
