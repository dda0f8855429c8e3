package dev.credits.memory;

import dev.credits.Allocation;
import dev.credits.LedgerEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The in-memory store's entries by transaction id, each with its account and its receipt lines: one index for what a
 * database keeps in three (entries by id, the account of a transaction, receipt lines by owner). Inserting into it is
 * a large share of what the store spends on a deduction, so each of its many small shards (each under its own lock)
 * is an open-addressing table of {@code long}s, each an id's hash and the position of its entry in the shard's
 * append-only chunks: an insert writes one slot (one cache miss, where a {@link java.util.HashMap} also allocates a
 * node and, growing, walks every node), and a table grows by reading only its own array. Thread-safe.
 */
final class TransactionIndex {
    private static final int SHARD_BITS = 8;

    private final Shard[] shards = new Shard[1 << SHARD_BITS];

    TransactionIndex() {
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard();
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
     * The shard of an id: by the top bits of its hash (a shard's table places ids by the bits below them, so each
     * shard still spreads its ids over all its slots).
     */
    private Shard shard(int hash) {
        return shards[hash >>> (Integer.SIZE - SHARD_BITS)];
    }

    /** Adds an entry of the account (its transaction id is new; an entry with the same id is replaced): @return it */
    Posted put(String accountId, LedgerEntry entry) {
        Posted posted = new Posted(accountId, entry);
        int hash = entry.transactionId().hashCode();
        Shard shard = shard(hash);
        synchronized (shard) {
            shard.put(hash, posted);
        }
        return posted;
    }

    /** @return the entry with this transaction id, or null */
    Posted get(String transactionId) {
        int hash = transactionId.hashCode();
        Shard shard = shard(hash);
        synchronized (shard) {
            return shard.get(hash, transactionId);
        }
    }

    void clear() {
        for (Shard shard : shards) {
            synchronized (shard) {
                shard.clear();
            }
        }
    }

    /**
     * One shard: its entries in the order added, in chunks (never copied as they grow), and a table of slots, each 0
     * (free) or an id's hash in the high half and its entry's position + 1 in the low half, at most half of them
     * taken, probed linearly. Guarded by itself.
     */
    private static final class Shard {
        private static final int CHUNK_BITS = 10;
        private static final int CHUNK = 1 << CHUNK_BITS;

        private long[] slots = new long[16];
        private Posted[][] chunks = new Posted[1][];
        private int size;

        void put(int hash, Posted posted) {
            int taken = find(hash, posted.entry.transactionId());
            if (taken >= 0) {
                chunks[taken >>> CHUNK_BITS][taken & (CHUNK - 1)] = posted;
                return;
            }
            if (2 * (size + 1) > slots.length) {
                grow();
            }
            int position = size++;
            int chunk = position >>> CHUNK_BITS;
            if (chunk == chunks.length) {
                chunks = Arrays.copyOf(chunks, 2 * chunk);
            }
            if (chunks[chunk] == null) {
                chunks[chunk] = new Posted[CHUNK];
            }
            chunks[chunk][position & (CHUNK - 1)] = posted;
            insert(slots, ((long) hash << 32) | (position + 1L));
        }

        Posted get(int hash, String transactionId) {
            int position = find(hash, transactionId);
            return position < 0 ? null : chunks[position >>> CHUNK_BITS][position & (CHUNK - 1)];
        }

        /** @return the position of the entry with this id, or -1 */
        private int find(int hash, String transactionId) {
            int mask = slots.length - 1;
            for (int i = start(hash) & mask; slots[i] != 0; i = (i + 1) & mask) {
                long slot = slots[i];
                if ((int) (slot >>> 32) == hash) {
                    int position = (int) slot - 1;
                    if (chunks[position >>> CHUNK_BITS][position & (CHUNK - 1)].entry.transactionId()
                            .equals(transactionId)) {
                        return position;
                    }
                }
            }
            return -1;
        }

        private void grow() {
            long[] larger = new long[2 * slots.length];
            for (long slot : slots) {
                if (slot != 0) {
                    insert(larger, slot);
                }
            }
            slots = larger;
        }

        private static void insert(long[] table, long slot) {
            int mask = table.length - 1;
            int i = start((int) (slot >>> 32)) & mask;
            while (table[i] != 0) {
                i = (i + 1) & mask;
            }
            table[i] = slot;
        }

        /** Where an id's probe starts: its hash's bits mixed, as the top bits chose the shard. */
        private static int start(int hash) {
            return hash ^ (hash >>> 16) ^ (hash >>> 7);
        }

        void clear() {
            slots = new long[16];
            chunks = new Posted[1][];
            size = 0;
        }
    }
}
