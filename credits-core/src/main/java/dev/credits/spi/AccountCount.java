package dev.credits.spi;

import dev.credits.AccountStatus;

/**
 * How many accounts have one status and plan ({@link ReportStore#countAccounts}). Immutable.
 *
 * @param status the status
 * @param planId the plan, or null for none
 * @param count  how many accounts
 */
public record AccountCount(AccountStatus status, String planId, long count) {
}
