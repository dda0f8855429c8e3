package dev.credits.memory;

import dev.credits.Allocation;
import dev.credits.LedgerEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The in-memory store's entries by transaction id, each with its account and its receipt lines: one index for what a
 * database keeps in three (entries by id, the account of a transaction, receipt lines by owner). Inserting into it is
 * most of what the store spends on a deduction: one insert per entry instead of three, and into one of many small
 * plain maps (each under its own lock), which grow in place within the processor's caches where one large
 * {@link java.util.concurrent.ConcurrentHashMap} copies every node on each growth. Thread-safe.
 */
final class TransactionIndex {
    private static final int SHARD_BITS = 8;

    @SuppressWarnings("unchecked")
    private final HashMap<String, Posted>[] shards = new HashMap[1 << SHARD_BITS];

    TransactionIndex() {
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new HashMap<>();
        }
    }

    /** An entry with its account and its receipt lines; its lines are written and read under its account's lock. */
    static final class Posted {
        final String accountId;
        final LedgerEntry entry;
        /** Most entries have one line: kept alone, without a list (this store keeps every entry in memory). */
        private Allocation firstLine;
        private List<Allocation> moreLines;

        private Posted(String accountId, LedgerEntry entry) {
            this.accountId = accountId;
            this.entry = entry;
        }

        List<Allocation> lines() {
            if (firstLine == null) {
                return List.of();
            }
            if (moreLines == null) {
                return List.of(firstLine);
            }
            List<Allocation> lines = new ArrayList<>(moreLines.size() + 1);
            lines.add(firstLine);
            lines.addAll(moreLines);
            return lines;
        }

        void addLine(Allocation line) {
            if (firstLine == null) {
                firstLine = line;
                return;
            }
            if (moreLines == null) {
                moreLines = new ArrayList<>(2);
            }
            moreLines.add(line);
        }
    }

    /**
     * The shard of an id: by the top bits of its hash (a map places keys by the low bits, so each shard's map still
     * spreads its keys over all its buckets).
     */
    private HashMap<String, Posted> shard(String transactionId) {
        return shards[transactionId.hashCode() >>> (Integer.SIZE - SHARD_BITS)];
    }

    /** Adds an entry of the account (its transaction id is new): @return it as indexed */
    Posted put(String accountId, LedgerEntry entry) {
        Posted posted = new Posted(accountId, entry);
        HashMap<String, Posted> shard = shard(entry.transactionId());
        synchronized (shard) {
            shard.put(entry.transactionId(), posted);
        }
        return posted;
    }

    /** @return the entry with this transaction id, or null */
    Posted get(String transactionId) {
        HashMap<String, Posted> shard = shard(transactionId);
        synchronized (shard) {
            return shard.get(transactionId);
        }
    }

    void clear() {
        for (HashMap<String, Posted> shard : shards) {
            synchronized (shard) {
                shard.clear();
            }
        }
    }
}
