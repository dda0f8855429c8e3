/**
 * credits: charge users in credits from any Java application.
 *
 * <p>Start with {@link dev.credits.CreditLedger}: build one over a store
 * ({@link dev.credits.memory.InMemoryCreditStore}, or {@code JdbiCreditStore} from credits-jdbc), keep a
 * price list of features, grant credits, and call {@code checkCredits}, {@code deductCredits},
 * {@code charge} and {@code refundCredits} from request handlers. Requests are immutable records built with
 * {@code of(...)} and {@code with...(...)}; results are records; a short balance is a value carrying a
 * {@link dev.credits.RejectionReason}; errors are {@link dev.credits.CreditsException}s.
 *
 * <p>Packages: this one is the API; {@code dev.credits.spi} is for store implementers;
 * {@code dev.credits.memory} holds the in-memory store; {@code dev.credits.internal} is not API.
 */
package dev.credits;
