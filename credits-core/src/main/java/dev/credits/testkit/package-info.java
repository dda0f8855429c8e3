/**
 * Helpers for a host's own tests, in main scope so a host needs no test-jar: {@link dev.credits.testkit.TestLedger}
 * (a ledger on a resettable in-memory store with a controllable clock, in one line),
 * {@link dev.credits.testkit.MutableClock} and {@link dev.credits.testkit.InvariantChecker} (reads an account and
 * throws if its history, receipts, lots and balances disagree; writes nothing).
 */
package dev.credits.testkit;
