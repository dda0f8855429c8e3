package dev.credits.internal;

import dev.credits.Balance;
import dev.credits.HistoryFilter;
import dev.credits.HistoryPage;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.PageRequest;
import dev.credits.Plan;
import dev.credits.Receipt;
import dev.credits.UnknownAccountException;
import dev.credits.UnknownTransactionException;
import dev.credits.spi.CreditStore;
import dev.credits.spi.EntryQuery;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reads: balances, history pages and receipts. They settle time in memory and write nothing.
 * Stateless apart from its collaborators; thread-safe.
 */
public final class Reads {
    private final UnitOfWork uow;
    private final CreditStore store;

    public Reads(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.store = store;
    }

    public Balance balance(String accountId, String creditType) {
        Checks.id("accountId", accountId);
        Checks.creditType(creditType);
        return uow.read(accountId, null, session -> toBalance(session, creditType, Spending.plan(session)));
    }

    public Map<String, Balance> balances(String accountId) {
        Checks.id("accountId", accountId);
        return uow.read(accountId, null, session -> {
            Map<String, Balance> result = new LinkedHashMap<>();
            Plan plan = Spending.plan(session);
            for (String type : session.creditTypes()) {
                result.put(type, toBalance(session, type, plan));
            }
            return result;
        });
    }

    static Balance toBalance(AccountSession session, String creditType, Plan plan) {
        List<Lot> lots = session.liveLots(creditType);
        Instant nextExpiry = null;
        for (Lot lot : lots) {
            if (lot.expiresAt() != null && lot.remaining() > 0 && !lot.isExpiredAt(session.now())
                    && (nextExpiry == null || lot.expiresAt().isBefore(nextExpiry))) {
                nextExpiry = lot.expiresAt();
            }
        }
        var record = session.balance(creditType);
        return new Balance(session.accountId(), creditType, record.balance(), record.held(),
                record.balance() - record.held(), session.account().overdraftLimit(), nextExpiry, lots,
                session.account().sequence(), plan == null || plan.canSpend(creditType));
    }

    public HistoryPage history(String accountId, HistoryFilter filter, PageRequest page) {
        Checks.id("accountId", accountId);
        PageRequest request = page == null ? PageRequest.first() : page;
        if (request.limit() < 1 || request.limit() > PageRequest.MAX_LIMIT) {
            throw new InvalidArgumentException("limit", "must be 1 to " + PageRequest.MAX_LIMIT + ": "
                    + request.limit());
        }
        // Bounds outside the storable range mean "unbounded"; a filter no stored entry can match reads nothing.
        Optional<HistoryFilter> query = Checks.historyFilter(filter);
        long before = parseCursor(request.cursor());
        if (store.findAccount(accountId).isEmpty()) {
            throw new UnknownAccountException(accountId);
        }
        if (query.isEmpty()) {
            return new HistoryPage(List.of(), null);
        }
        List<LedgerEntry> entries = store.findEntries(accountId,
                new EntryQuery(query.get(), before, request.limit() + 1));
        if (entries.size() <= request.limit()) {
            return new HistoryPage(entries, null);
        }
        List<LedgerEntry> shown = entries.subList(0, request.limit());
        return new HistoryPage(shown, "s" + shown.get(shown.size() - 1).sequence());
    }

    private static long parseCursor(String cursor) {
        if (cursor == null) {
            return Long.MAX_VALUE;
        }
        try {
            if (cursor.startsWith("s")) {
                long sequence = Long.parseLong(cursor.substring(1));
                if (sequence > 0) {
                    return sequence;
                }
            }
        } catch (NumberFormatException malformed) {
            // falls through to the error below
        }
        throw new InvalidArgumentException("cursor", "malformed cursor '" + cursor + "'");
    }

    public Receipt receipt(String transactionId) {
        Checks.id("transactionId", transactionId);
        String accountId = store.findAccountOfTransaction(transactionId)
                .orElseThrow(() -> new UnknownTransactionException(transactionId));
        return store.readAccount(accountId, tx -> new Receipt(
                tx.findEntry(transactionId).orElseThrow(() -> new UnknownTransactionException(transactionId)),
                tx.findAllocations(transactionId)));
    }
}
